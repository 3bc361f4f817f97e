// The two services the plugin exports to, and everything about them that is
// not network code: names, shortcuts, settings groups, the built-in digiKam
// exporter each one replaces.
#pragma once

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
    QString      actionText;          // "Export to &OneDrive..."
    QString      actionObjectName;    // the action's id in digiKam's XML GUI
    QKeySequence shortcut;
    QString      iconName;
    QString      settingsGroup;       // group in the host's rc file
    QString      builtinPluginIid;    // digiKam's own exporter for this service
    QString      builtinActionName;
    QString      webHome;             // the service's web site, for "open folder" links
};

const ServiceInfo& serviceInfo(ServiceId id);

// The folder's page on the service's web site.
QString folderWebUrl(ServiceId id, const QString& folder);

} // namespace DkCloud
