#include "dkcloudplugin.h"

#include "exportwidget.h"
#include "exportwindow.h"
#include "hostconfig.h"
#include "hostprogress.h"
#include "hostthumbnails.h"
#include "takeover.h"
#include "takeoverquestion.h"

#include <KLocalizedString>

#include <QAction>
#include <QApplication>
#include <QCoreApplication>
#include <QEvent>
#include <QIcon>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QPushButton>
#include <QTimer>
#include <QWidget>

Q_DECLARE_LOGGING_CATEGORY(DKCLOUD_LOG)

namespace DkCloud
{

DkCloudPlugin::DkCloudPlugin(QObject* parent)
    : Digikam::DPluginGeneric(parent)
{
}

DkCloudPlugin::~DkCloudPlugin()
{
    cleanUp();
}

QString DkCloudPlugin::name() const
{
    // Sorted among digiKam's exporters by the services it serves.
    return i18nc("@info plugin", "OneDrive and Dropbox (dkcloud)");
}

QString DkCloudPlugin::iid() const
{
    return QStringLiteral("org.kde.digikam.plugin.generic.DkCloud");
}

QIcon DkCloudPlugin::icon() const
{
    return pluginIcon();
}

QString DkCloudPlugin::description() const
{
    return i18nc("@info plugin", "Export photos to OneDrive and Dropbox with resumable, parallel uploads (dkcloud %1)", dkcloudVersion());
}

QString DkCloudPlugin::details() const
{
    return i18nc("@info plugin", "<p><b>dkcloud %1</b></p>"
        "<p>Uploads the selected photos to Microsoft OneDrive or Dropbox.</p>"
        "<p>You sign in once in your web browser; dkcloud keeps the login (refresh tokens), "
        "uploads large files in resumable pieces, several at a time, and checks every stored "
        "file against its hash.</p>"
        "<p>It replaces digiKam's own OneDrive and Dropbox exporters and uses their shortcuts "
        "(Ctrl+Alt+Shift+O and Ctrl+Alt+Shift+D); at its first start beside them it asks whether to "
        "take them over or keep both.</p>", dkcloudVersion());
}

QList<Digikam::DPluginAuthor> DkCloudPlugin::authors() const
{
    return {Digikam::DPluginAuthor(QStringLiteral("The dkcloud authors"), QString(), QStringLiteral("2025"),
                                   i18nc("@info plugin", "Developers"))};
}

void DkCloudPlugin::setup(QObject* parent)
{
    qCDebug(DKCLOUD_LOG) << "set up in" << (parent ? parent->metaObject()->className() : "no window");
    useHostThumbnails();
    // digiKam reads [EnabledDPlugins] once, when it loads the plugins: what
    // is enabled now is loaded for the whole session.
    if (m_hosts.isEmpty())
    {
        for (ServiceId service : {ServiceId::OneDrive, ServiceId::Dropbox})
        {
            if (builtinEnabledInConfig(service))
                m_builtinLoaded << service;
        }
    }
    // digiKam sets a generic plugin up once per window with an Export menu:
    // its main window first, then the light table, the editor, the queue
    // manager... as they are made (9.1: its hidden SurveyWindow first). The
    // host whose close quits is the first one shown (quitHost()).
    if (!m_host)
        m_host = parent;
    if (parent)
    {
        parent->installEventFilter(this);
        m_hosts << parent;
    }
    addServiceAction(ServiceId::OneDrive, parent);
    addServiceAction(ServiceId::Dropbox, parent);
    // The other plugins' actions exist once the loader has set them all up.
    QTimer::singleShot(0, this, &DkCloudPlugin::hostReady);
}

void DkCloudPlugin::addServiceAction(ServiceId service, QObject* parent)
{
    const ServiceInfo& info = serviceInfo(service);
    auto* action            = new Digikam::DPluginAction(parent);
    action->setIcon(serviceIcon(service));
    action->setText(exportActionText(info.id));
    action->setObjectName(info.actionObjectName);
    // The service's own key, or the one Keep Both moved it to; none until
    // the take-over question is answered when digiKam's own exporter would
    // hold it too (never an "Ambiguous Shortcuts" at start-up).
    if (holdBackShortcut(service, m_builtinLoaded.contains(service)))
    {
        if (!m_heldBack.contains(service))
            m_heldBack << service;
    }
    else
        action->setShortcut(effectiveShortcut(service));
    action->setActionCategory(Digikam::DPluginAction::GenericExport);
    connect(action, &QAction::triggered, this,
            service == ServiceId::OneDrive ? &DkCloudPlugin::slotExportToOneDrive : &DkCloudPlugin::slotExportToDropbox);
    addAction(action);
}

namespace
{

// Looks the icons up, one per event-loop turn, and renders each at button
// size. The first lookup of an icon walks the theme's folders and renders its
// file (about 20 ms for the export window's icons, measured in digiKam 7.9
// with digiKam's own thumbnail threads busy on both cores): done while the
// host is idle, it no longer falls into the first opening of the window. Qt
// keeps the looked-up icons (and the pixmaps) in its caches.
void warmIcons(QStringList names)
{
    if (names.isEmpty())
        return;
    const QIcon icon = QIcon::fromTheme(names.takeFirst());
    if (!icon.isNull())
        icon.pixmap(QSize(16, 16));
    QTimer::singleShot(0, qApp, [names]() { warmIcons(names); });
}

} // namespace

void DkCloudPlugin::hostReady()
{
    for (ServiceId service : {ServiceId::OneDrive, ServiceId::Dropbox})
    {
        const QString warning = clashWarning(service, m_host);
        if (!warning.isEmpty())
            qCWarning(DKCLOUD_LOG).noquote() << warning;
    }
    Q_EMIT actionsPlaced(m_host);

    static bool iconsWarmed = false;
    if (!iconsWarmed)
    {
        iconsWarmed = true;
        QTimer::singleShot(3000, qApp, []() {
            QStringList names = exportWindowIconNames();
            names << serviceInfo(ServiceId::OneDrive).iconName << serviceInfo(ServiceId::Dropbox).iconName;
            warmIcons(names);
        });
    }

    // The first start beside digiKam's own exporters: asked once the main
    // window is up, never while plugins load.
    const QList<ServiceId> clashing = clashingServices(hostWindows());
    // Taken over before (this session, or earlier and the built-ins enabled
    // again since): ours get the keys in every window, new ones included.
    if (rememberedTakeoverAnswer() == TakeoverAnswer::TakeOver)
        giveKeysToDkcloud(m_heldBack, hostWindows());
    for (ServiceId service : qAsConst(m_heldBack))
    {
        // Loaded, yet no action of it holds our key: ours get it now.
        if (clashing.contains(service))
            continue;
        for (QObject* host : hostWindows())
        {
            if (QAction* ours = ownAction(service, host))
                ours->setShortcut(effectiveShortcut(service));
        }
    }
    if (clashing.isEmpty() || rememberedTakeoverAnswer() != TakeoverAnswer::None || m_takeoverQuestion || m_askWhenShown)
        return;
    qCInfo(DKCLOUD_LOG).noquote() << "digiKam's own exporters hold dkcloud's keys: asking whether to take them over";
    m_askWhenShown = true;
    if (visibleHostWindow())
        QTimer::singleShot(takeoverQuestionDelayMs, this, &DkCloudPlugin::askTakeover);
}

HostWindows DkCloudPlugin::hostWindows() const
{
    HostWindows hosts;
    for (const QPointer<QObject>& host : m_hosts)
    {
        if (host)
            hosts << host.data();
    }
    return hosts;
}

QWidget* DkCloudPlugin::visibleHostWindow() const
{
    for (QObject* host : hostWindows())
    {
        auto* window = qobject_cast<QWidget*>(host);
        if (window && window->isVisible())
            return window;
    }
    return nullptr;
}

void DkCloudPlugin::askTakeover()
{
    QWidget* window                 = visibleHostWindow();
    const QList<ServiceId> services = clashingServices(hostWindows());
    if (!window || services.isEmpty() || rememberedTakeoverAnswer() != TakeoverAnswer::None || m_takeoverQuestion)
        return;
    // A modal window of the host (its collection setup, "Download required
    // files") would block the question's buttons: ask after it.
    if (QApplication::activeModalWidget())
    {
        QTimer::singleShot(takeoverQuestionDelayMs, this, &DkCloudPlugin::askTakeover);
        return;
    }
    m_askWhenShown  = false;
    auto* question = new TakeoverQuestion(services, window, hostWindows());
    connect(question, &TakeoverQuestion::answered, this, [question](TakeoverAnswer answer) {
        if (answer == TakeoverAnswer::TakeOver)
        {
            qCInfo(DKCLOUD_LOG).noquote() << "take over: digiKam's own exporters switched off in [EnabledDPlugins] "
                                             "(their entries go at the next start); dkcloud has their keys now";
            return;
        }
        QStringList moved;
        for (const QKeySequence& keys : question->movedShortcuts())
            moved << (keys.isEmpty() ? QStringLiteral("none") : keys.toString(QKeySequence::PortableText));
        qCInfo(DKCLOUD_LOG).noquote() << "keep both: dkcloud's shortcuts moved to" << moved.join(QStringLiteral(", "));
    });
    m_takeoverQuestion = question;
    question->show();
    question->raise();
    question->activateWindow();
}

bool DkCloudPlugin::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Show && !m_quitHost && m_hosts.contains(watched))
        m_quitHost = watched;
    if (event->type() == QEvent::Show && m_askWhenShown && !m_takeoverQuestion && m_hosts.contains(watched))
        QTimer::singleShot(takeoverQuestionDelayMs, this, &DkCloudPlugin::askTakeover);
    if (watched == quitHost() && event->type() == QEvent::Close && !mayQuitWhileUploading())
    {
        event->ignore();
        return true;
    }
    return Digikam::DPluginGeneric::eventFilter(watched, event);
}

QObject* DkCloudPlugin::quitHost() const
{
    return m_quitHost ? m_quitHost.data() : m_host.data();
}

bool DkCloudPlugin::mayQuitWhileUploading()
{
    QStringList running;
    for (ExportWindow* window : {m_oneDrive.data(), m_dropbox.data()})
    {
        if (window && window->isUploading())
            running << i18nc("@info plugin", "to %1: %2", serviceInfo(window->service()).name, window->runningUploadText());
    }
    if (running.isEmpty())
        return true;
    QMessageBox box(QMessageBox::Warning, i18nc("@info plugin", "Uploads are still running"),
                    i18nc("@info plugin", "An upload is still running (%1).", running.join(QStringLiteral("; "))), QMessageBox::NoButton,
                    qobject_cast<QWidget*>(quitHost()));
    box.setObjectName(QStringLiteral("quitDuringUploadQuestion"));
    box.setInformativeText(i18nc("@info plugin", "If you quit now, the upload stops. The photos already stored stay there, and the "
        "next time you open the export window it offers to resume: only what is not "
        "stored yet is sent, and a photo stopped half-way goes on where it stopped."));
    QPushButton* quit = box.addButton(i18nc("@action:button plugin", "&Quit Anyway"), QMessageBox::DestructiveRole);
    QPushButton* stay = box.addButton(i18nc("@action:button plugin", "&Keep Uploading"), QMessageBox::RejectRole);
    quit->setObjectName(QStringLiteral("quitAnywayButton"));
    stay->setObjectName(QStringLiteral("keepUploadingButton"));
    box.setDefaultButton(stay);
    box.exec();
    if (box.clickedButton() != quit)
        return false;
    qCInfo(DKCLOUD_LOG).noquote() << "quitting with uploads running; they stop and are offered for resume next time:" << running.join(QStringLiteral("; "));
    // Now, not when the host unloads its plugins: its shutdown takes a while.
    for (ExportWindow* window : {m_oneDrive.data(), m_dropbox.data()})
    {
        if (window)
            window->stopToResumeLater();
    }
    return true;
}

void DkCloudPlugin::cleanUp()
{
    delete m_oneDrive.data();
    delete m_dropbox.data();
}

void DkCloudPlugin::slotExportToOneDrive()
{
    openExportWindow(ServiceId::OneDrive, sender());
}

void DkCloudPlugin::slotExportToDropbox()
{
    openExportWindow(ServiceId::Dropbox, sender());
}

void DkCloudPlugin::openExportWindow(ServiceId service, QObject* action)
{
    QPointer<ExportWindow>& window = service == ServiceId::OneDrive ? m_oneDrive : m_dropbox;
    if (window && reactivateToolDialog(window))
        return;

    QList<QUrl> items;
    if (Digikam::DInfoInterface* iface = infoIface(action))
    {
        items = iface->currentSelectedItems();
        if (items.isEmpty())
            items = iface->currentAlbumItems();
    }
    window = new ExportWindow(service, items);
    window->setAttribute(Qt::WA_DeleteOnClose);
    // digiKam has a progress area of its own (showfoto has none: the window's
    // default, a small progress window, serves there).
    if (QCoreApplication::applicationName() == QLatin1String("digikam"))
    {
        QPointer<QObject> host = m_host;
        window->setBackgroundFactory([host](ExportWindow& w) -> std::unique_ptr<BackgroundProgress> {
            return std::make_unique<HostProgress>(serviceInfo(w.service()).name, w.remoteFolder(),
                                                  qobject_cast<QWidget*>(host.data()));
        });
    }
    window->setNotice(clashWarning(service, m_host));
    window->show();
    Q_EMIT exportWindowOpened(window);
}

} // namespace DkCloud
