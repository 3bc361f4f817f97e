// Whether digiKam's built-in exporter for a service is enabled in the host's
// configuration, which makes our shortcut ambiguous.
#pragma once

#include "service.h"

#include <QString>

class QObject;

namespace DkCloud
{

// True unless [EnabledDPlugins] says false for digiKam's own exporter (digiKam
// enables plugins by default).
bool builtinEnabledInConfig(ServiceId id);

// True when the host really has digiKam's own exporter action for this
// service among the children of its main window.
bool builtinActionPresent(ServiceId id, const QObject* hostWindow);

// A sentence for the log and the dialog, or empty when there is no clash.
QString clashWarning(ServiceId id, const QObject* hostWindow);

} // namespace DkCloud
