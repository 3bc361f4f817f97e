#include "takeoverquestion.h"

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
    return names.join(QObject::tr(" and "));
}

QString shortcutList(const QList<ServiceId>& services)
{
    QStringList list;
    for (ServiceId id : services)
        list << keys(serviceInfo(id).shortcut);
    return list.join(QObject::tr(" and "));
}

} // namespace

TakeoverQuestion::TakeoverQuestion(const QList<ServiceId>& services, QWidget* hostWindow, const HostWindows& hosts)
    : QMessageBox(QMessageBox::Question, tr("dkcloud and %1's own exporters").arg(hostDisplayName()), QString(),
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
    setText(tr("Let dkcloud take over the %1 entries?").arg(names));

    QStringList moved;
    for (int i = 0; i < services.size(); ++i)
    {
        const QString name = serviceInfo(services.at(i)).name;
        moved << (m_moved.at(i).isEmpty() ? tr("dkcloud's %1 entry gets no key (every one it could use is taken)").arg(name)
                                          : tr("dkcloud's %1 entry moves to %2").arg(name, keys(m_moved.at(i))));
    }
    setInformativeText(
        tr("%1's own %2 %3 switched on and %4 the same %5 as dkcloud: %6. A key with two entries does nothing.")
            .arg(host, names, services.size() > 1 ? tr("exporters are") : tr("exporter is"),
                 services.size() > 1 ? tr("use") : tr("uses"), services.size() > 1 ? tr("keys") : tr("key"),
                 shortcutList(services))
        + QStringLiteral("\n\n")
        + tr("Take Over: from now on %1 %2 dkcloud. %3's own %4 %5 from the Export menu the next time you "
             "start %3 (Settings > Configure %3 > Plugins brings %6 back).")
              .arg(shortcutList(services), services.size() > 1 ? tr("open") : tr("opens"), host, names,
                   services.size() > 1 ? tr("entries disappear") : tr("entry disappears"),
                   services.size() > 1 ? tr("them") : tr("it"))
        + QStringLiteral("\n\n")
        + tr("Keep Both: both stay in the Export menu. %1's own keep %2; %3.").arg(host, shortcutList(services), moved.join(tr("; ")))
        + QStringLiteral("\n\n") + tr("You are asked only once. Settings > Configure Shortcuts changes any key later."));

    auto* takeOver = addButton(tr("&Take Over"), QMessageBox::AcceptRole);
    auto* keepBoth = addButton(tr("&Keep Both"), QMessageBox::RejectRole);
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
