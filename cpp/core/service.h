// The two services the plugin exports to, and everything about them that is
// not network code: names, shortcuts, settings groups, the built-in digiKam
// exporter each one replaces.
#pragma once

#include <QIcon>
#include <QKeySequence>
#include <QString>

namespace DkCloud
{

enum class ServiceId
{
    OneDrive,
    Dropbox
};

struct ServiceInfo
{
    ServiceId    id;
    QString      name;                // "OneDrive"
    QString      actionObjectName;    // the action's id in digiKam's XML GUI
    QKeySequence shortcut;
    QString      iconName;            // digiKam's own icon for the service ("dk-onedrive")
    QString      settingsGroup;       // group in the host's rc file
    QString      builtinPluginIid;    // digiKam's own exporter for this service
    QString      builtinActionName;
};

const ServiceInfo& serviceInfo(ServiceId id);
// "Export to &OneDrive...", in the host's language.
QString exportActionText(ServiceId id);

// The service's icon from the desktop theme, else one drawn here (a cloud in
// the service's colour), so menus and Settings > Plugins never show a blank.
QIcon serviceIcon(ServiceId id);
QIcon pluginIcon();

// dkcloud's own version (digiKam's loader only knows digiKam's).
QString dkcloudVersion();

} // namespace DkCloud
