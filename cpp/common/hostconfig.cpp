#include "hostconfig.h"

#include "takeover.h"

#include <KConfigGroup>
#include <KSharedConfig>

#include <QAction>

namespace DkCloud
{

bool builtinEnabledInConfig(ServiceId id)
{
    // digiKam enables a plugin unless its group says false.
    const KConfigGroup enabled = KSharedConfig::openConfig()->group(QStringLiteral("EnabledDPlugins"));
    return enabled.readEntry(serviceInfo(id).builtinPluginIid, true);
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
    // In the host: the built-in's action holds the key our action has (Keep
    // Both moved ours away; until the take-over answer ours has none).
    const QAction* ours = ownAction(id, hostWindow);
    const bool clash    = hostWindow ? clashingServices(hostWindow).contains(id)
                                        && (!ours || ours->shortcuts().contains(effectiveShortcut(id)))
                                     : builtinEnabledInConfig(id);
    if (!clash)
        return {};
    return QStringLiteral(
               "digiKam's own %1 exporter is enabled, so %2 is ambiguous and does nothing. "
               "Untick \"%1\" in Settings > Configure > Plugins, or run dkcloud's "
               "disable-builtin-exporters, then restart.")
        .arg(info.name, effectiveShortcut(id).toString(QKeySequence::NativeText));
}

} // namespace DkCloud
