#include "hostconfig.h"

#include "rcfile.h"

#include <QAction>
#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>

namespace DkCloud
{

QString hostRcPath()
{
    const QString overridden = qEnvironmentVariable("DKCLOUD_PLUGIN_RC");
    if (!overridden.isEmpty())
        return overridden;
    const QString app = QCoreApplication::applicationName().toLower();
    const QString file = app.contains(QLatin1String("showfoto")) ? QStringLiteral("showfotorc") : QStringLiteral("digikamrc");
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)).filePath(file);
}

bool builtinEnabledInConfig(ServiceId id)
{
    const auto enabled = RcFile(hostRcPath()).readGroup(QStringLiteral("EnabledDPlugins"));
    return enabled.value(serviceInfo(id).builtinPluginIid, QStringLiteral("true")).toLower() != QLatin1String("false");
}

bool builtinActionPresent(ServiceId id, const QObject* hostWindow)
{
    if (!hostWindow)
        return false;
    const auto actions = hostWindow->findChildren<QAction*>(serviceInfo(id).builtinActionName);
    for (const QAction* action : actions)
    {
        if (action->isEnabled() || action->isVisible())
            return true;
    }
    return false;
}

QString clashWarning(ServiceId id, const QObject* hostWindow)
{
    const ServiceInfo& info = serviceInfo(id);
    const bool clash = hostWindow ? builtinActionPresent(id, hostWindow) : builtinEnabledInConfig(id);
    if (!clash)
        return {};
    return QStringLiteral(
               "digiKam's own %1 exporter is enabled, so %2 is ambiguous and does nothing. "
               "Untick \"%1\" in Settings > Configure > Plugins, or run dkcloud's "
               "disable-builtin-exporters, then restart.")
        .arg(info.name, info.shortcut.toString(QKeySequence::NativeText));
}

} // namespace DkCloud
