// Where the plugin keeps its settings (the host's own rc file: digikamrc or
// showfotorc) and whether digiKam's built-in exporter for a service is enabled
// there, which makes our shortcut ambiguous.
#pragma once

#include "service.h"

#include <QString>

class QObject;

namespace DkCloud
{

// $DKCLOUD_PLUGIN_RC if set (tests), else digikamrc or showfotorc, by the
// application running, under $XDG_CONFIG_HOME.
QString hostRcPath();

// True unless [EnabledDPlugins] says false for digiKam's own exporter (digiKam
// enables plugins by default).
bool builtinEnabledInConfig(ServiceId id);

// True when the host really has digiKam's own exporter action for this
// service among the children of its main window.
bool builtinActionPresent(ServiceId id, const QObject* hostWindow);

// A sentence for the log and the dialog, or empty when there is no clash.
QString clashWarning(ServiceId id, const QObject* hostWindow);

} // namespace DkCloud
