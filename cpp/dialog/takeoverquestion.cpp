#include "takeoverquestion.h"

#include <KLocalizedString>

#include <QAbstractButton>
#include <QCloseEvent>
#include <QPushButton>

namespace DkCloud
{

namespace
{

QString keys(const QKeySequence& sequence)
{
    return sequence.toString(QKeySequence::NativeText);
}

// "OneDrive and Dropbox", "OneDrive"
QString serviceNames(const QList<ServiceId>& services)
{
    QStringList names;
    for (ServiceId id : services)
        names << serviceInfo(id).name;
    return names.join(i18nc("@info take-over question: joins two names", " and "));
}

QString shortcutList(const QList<ServiceId>& services)
{
    QStringList list;
    for (ServiceId id : services)
        list << keys(serviceInfo(id).shortcut);
    return list.join(i18nc("@info take-over question: joins two names", " and "));
}

} // namespace

TakeoverQuestion::TakeoverQuestion(const QList<ServiceId>& services, QWidget* hostWindow, const HostWindows& hosts)
    : QMessageBox(QMessageBox::Question, i18nc("@title:window take-over question", "dkcloud and %1's own exporters", hostDisplayName()), QString(),
                  QMessageBox::NoButton, hostWindow)
    , m_services(services)
    , m_moved(proposedShortcuts(services, hostWindow))
{
    for (QObject* host : hosts.isEmpty() ? HostWindows{hostWindow} : hosts)
        m_hosts << host;
    setObjectName(QStringLiteral("dkcloudTakeoverQuestion"));
    setWindowModality(Qt::NonModal);
    setAttribute(Qt::WA_DeleteOnClose);
    const QString host  = hostDisplayName();
    const QString names = serviceNames(services);
    setText(i18nc("@info take-over question", "Let dkcloud take over the %1 entries?", names));

    QStringList moved;
    for (int i = 0; i < services.size(); ++i)
    {
        const QString name = serviceInfo(services.at(i)).name;
        moved << (m_moved.at(i).isEmpty() ? i18nc("@info take-over question", "dkcloud's %1 entry gets no key (every one it could use is taken)", name)
                                          : i18nc("@info take-over question", "dkcloud's %1 entry moves to %2", name, keys(m_moved.at(i))));
    }
    const QString keyList = shortcutList(services);
    const QString clash   = services.size() > 1
        ? i18nc("@info take-over question", "%1's own %2 exporters are switched on and use the same keys as dkcloud: %3. "
                "A key with two entries does nothing.", host, names, keyList)
        : i18nc("@info take-over question", "%1's own %2 exporter is switched on and uses the same key as dkcloud: %3. "
                "A key with two entries does nothing.", host, names, keyList);
    const QString takeOverText = services.size() > 1
        ? i18nc("@info take-over question", "Take Over: from now on %1 open dkcloud. %2's own %3 entries disappear from the "
                "Export menu the next time you start %2 (Settings > Configure %2 > Plugins brings them back).",
                keyList, host, names)
        : i18nc("@info take-over question", "Take Over: from now on %1 opens dkcloud. %2's own %3 entry disappears from the "
                "Export menu the next time you start %2 (Settings > Configure %2 > Plugins brings it back).",
                keyList, host, names);
    setInformativeText(clash + QStringLiteral("\n\n") + takeOverText + QStringLiteral("\n\n")
        + i18nc("@info take-over question", "Keep Both: both stay in the Export menu. %1's own keep %2; %3.", host, keyList,
                moved.join(i18nc("@info take-over question: between two sentence parts", "; ")))
        + QStringLiteral("\n\n")
        + i18nc("@info take-over question", "You are asked only once. Settings > Configure Shortcuts changes any key later."));

    auto* takeOver = addButton(i18nc("@action:button take-over question", "&Take Over"), QMessageBox::AcceptRole);
    auto* keepBoth = addButton(i18nc("@action:button take-over question", "&Keep Both"), QMessageBox::RejectRole);
    takeOver->setObjectName(QStringLiteral("takeOverButton"));
    keepBoth->setObjectName(QStringLiteral("keepBothButton"));
    setDefaultButton(takeOver);
    // Escape and the window's X keep both: nothing is switched off unasked.
    setEscapeButton(keepBoth);
    m_takeOver = takeOver;
    m_keepBoth = keepBoth;
    connect(this, &QMessageBox::buttonClicked, this, &TakeoverQuestion::apply);
}

void TakeoverQuestion::closeEvent(QCloseEvent* event)
{
    if (!m_answered)
        apply(m_keepBoth);
    QMessageBox::closeEvent(event);
}

void TakeoverQuestion::apply(QAbstractButton* button)
{
    if (m_answered)
        return;
    m_answered = true;
    HostWindows hosts;
    for (const QPointer<QObject>& host : qAsConst(m_hosts))
    {
        if (host)
            hosts << host.data();
    }
    if (button == m_takeOver)
    {
        takeOver(m_services, hosts);
        Q_EMIT answered(TakeoverAnswer::TakeOver);
        return;
    }
    keepBoth(m_services, m_moved, hosts);
    Q_EMIT answered(TakeoverAnswer::KeepBoth);
}

} // namespace DkCloud
