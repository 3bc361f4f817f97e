#include "takeover.h"

#include "exportsettings.h"
#include "hostconfig.h"

#include <KConfigGroup>
#include <KSharedConfig>

#include <QAction>
#include <QApplication>
#include <QCoreApplication>
#include <QShortcut>
#include <QWidget>

namespace DkCloud
{

namespace
{

QString shortcutKey(ServiceId id)
{
    return QStringLiteral("%1 Shortcut").arg(serviceInfo(id).name);
}

// Moved shortcuts keep the service's letter where they can: the first free one
// wins. (digiKam 7.9's other exporters hold most Ctrl+Alt+Shift+letter keys.)
QList<QKeySequence> candidates(ServiceId id)
{
    if (id == ServiceId::OneDrive)
        return {QKeySequence(QStringLiteral("Alt+Shift+O")), QKeySequence(QStringLiteral("Ctrl+Alt+Shift+F11")),
                QKeySequence(QStringLiteral("Ctrl+Shift+F11"))};
    return {QKeySequence(QStringLiteral("Alt+Shift+D")), QKeySequence(QStringLiteral("Ctrl+Alt+Shift+F12")),
            QKeySequence(QStringLiteral("Ctrl+Shift+F12"))};
}

QList<const QObject*> hostRoots(const QObject* hostWindow)
{
    QList<const QObject*> roots;
    if (hostWindow)
        roots << hostWindow;
    if (qobject_cast<QApplication*>(QCoreApplication::instance()))
    {
        const auto windows = QApplication::topLevelWidgets();
        for (const QWidget* window : windows)
        {
            if (window != hostWindow)
                roots << window;
        }
    }
    return roots;
}

} // namespace

TakeoverAnswer rememberedTakeoverAnswer()
{
    const QString answer = dkcloudGroup().readEntry("Built-in Exporters", QString());
    if (answer == QLatin1String("take-over"))
        return TakeoverAnswer::TakeOver;
    if (answer == QLatin1String("keep-both"))
        return TakeoverAnswer::KeepBoth;
    return TakeoverAnswer::None;
}

void rememberTakeoverAnswer(TakeoverAnswer answer)
{
    KConfigGroup group = dkcloudGroup();
    if (answer == TakeoverAnswer::None)
        group.deleteEntry("Built-in Exporters");
    else
        group.writeEntry("Built-in Exporters", answer == TakeoverAnswer::TakeOver ? "take-over" : "keep-both");
    group.sync();
}

QKeySequence effectiveShortcut(ServiceId id)
{
    const QString moved = dkcloudGroup().readEntry(shortcutKey(id), QString());
    if (moved.isEmpty())
        return serviceInfo(id).shortcut;
    if (moved == QLatin1String("none"))
        return {};
    return QKeySequence(moved, QKeySequence::PortableText);
}

QAction* ownAction(ServiceId id, const QObject* hostWindow)
{
    return hostWindow ? hostWindow->findChild<QAction*>(serviceInfo(id).actionObjectName) : nullptr;
}

QList<ServiceId> clashingServices(const QObject* hostWindow)
{
    QList<ServiceId> clashing;
    if (!hostWindow)
        return clashing;
    for (ServiceId id : {ServiceId::OneDrive, ServiceId::Dropbox})
    {
        // The key ours is meant to have (it may be held back until the answer).
        const QKeySequence wanted = effectiveShortcut(id);
        const auto builtins       = hostWindow->findChildren<QAction*>(serviceInfo(id).builtinActionName);
        for (const QAction* builtin : builtins)
        {
            if (!wanted.isEmpty() && builtin->shortcuts().contains(wanted) && (builtin->isEnabled() || builtin->isVisible()))
            {
                clashing << id;
                break;
            }
        }
    }
    return clashing;
}

QList<ServiceId> clashingServices(const QList<QObject*>& hostWindows)
{
    QList<ServiceId> clashing;
    for (const QObject* hostWindow : hostWindows)
    {
        for (ServiceId id : clashingServices(hostWindow))
        {
            if (!clashing.contains(id))
                clashing << id;
        }
    }
    return clashing;
}

bool holdBackShortcut(ServiceId id, bool builtinLoaded)
{
    return builtinLoaded && effectiveShortcut(id) == serviceInfo(id).shortcut;
}

bool takeoverQuestionDue(const QObject* hostWindow)
{
    return rememberedTakeoverAnswer() == TakeoverAnswer::None && !clashingServices(hostWindow).isEmpty();
}

void giveKeysToDkcloud(const QList<ServiceId>& services, const HostWindows& hosts)
{
    for (ServiceId id : services)
    {
        for (QObject* hostWindow : hosts)
        {
            if (!hostWindow)
                continue;
            const auto builtins = hostWindow->findChildren<QAction*>(serviceInfo(id).builtinActionName);
            for (QAction* builtin : builtins)
                builtin->setShortcuts(QList<QKeySequence>{});
            if (QAction* ours = ownAction(id, hostWindow))
                ours->setShortcut(effectiveShortcut(id));
        }
    }
}

void takeOver(const QList<ServiceId>& services, const HostWindows& hosts)
{
    // What digiKam's own plugin settings page writes (DPluginConfView::apply).
    KSharedConfigPtr config = KSharedConfig::openConfig();
    KConfigGroup plugins    = config->group(QStringLiteral("EnabledDPlugins"));
    for (ServiceId id : services)
        plugins.writeEntry(serviceInfo(id).builtinPluginIid, false);
    giveKeysToDkcloud(services, hosts);
    rememberTakeoverAnswer(TakeoverAnswer::TakeOver);
    config->sync();
}

bool shortcutTaken(const QKeySequence& keys, const QObject* hostWindow)
{
    for (const QObject* root : hostRoots(hostWindow))
    {
        const auto actions = root->findChildren<QAction*>();
        for (const QAction* action : actions)
        {
            if (action->shortcuts().contains(keys))
                return true;
        }
        const auto shortcuts = root->findChildren<QShortcut*>();
        for (const QShortcut* shortcut : shortcuts)
        {
            if (shortcut->key() == keys)
                return true;
        }
    }
    return false;
}

QList<QKeySequence> proposedShortcuts(const QList<ServiceId>& services, const QObject* hostWindow)
{
    QList<QKeySequence> proposed;
    for (ServiceId id : services)
    {
        QKeySequence chosen;
        for (const QKeySequence& keys : candidates(id))
        {
            if (!proposed.contains(keys) && !shortcutTaken(keys, hostWindow))
            {
                chosen = keys;
                break;
            }
        }
        proposed << chosen;
    }
    return proposed;
}

void keepBoth(const QList<ServiceId>& services, const QList<QKeySequence>& shortcuts, const HostWindows& hosts)
{
    KConfigGroup group = dkcloudGroup();
    for (int i = 0; i < services.size(); ++i)
    {
        const QKeySequence keys = shortcuts.value(i);
        // An empty one is remembered too: better no shortcut than an ambiguous one.
        group.writeEntry(shortcutKey(services.at(i)),
                         keys.isEmpty() ? QStringLiteral("none") : keys.toString(QKeySequence::PortableText));
        for (QObject* hostWindow : hosts)
        {
            if (QAction* ours = ownAction(services.at(i), hostWindow))
                ours->setShortcut(keys);
        }
    }
    rememberTakeoverAnswer(TakeoverAnswer::KeepBoth);
}

QString hostDisplayName()
{
    return QCoreApplication::applicationName() == QLatin1String("showfoto") ? QStringLiteral("Showfoto")
                                                                             : QStringLiteral("digiKam");
}

} // namespace DkCloud
