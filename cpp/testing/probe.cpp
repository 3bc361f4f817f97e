// Compiled only into the test build of the plugin (build/testing/, never
// installed): it watches the plugin and its export windows through their
// signals and writes one line per event to the file named by
// DKCLOUD_TEST_HOOK, which the in-host tests (digiKam and showfoto under Xvfb)
// read. The shipped plugin has none of this.
#include "dkcloudplugin.h"
#include "exportwidget.h"
#include "imagelist.h"
#include "hook.h"
#include "progressmanager_api.h"
#include "service.h"
#include "visibletexts.h"

#include <QAction>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QKeySequence>
#include <QLabel>
#include <QMenu>
#include <QMutex>
#include <QMutexLocker>
#include <QPushButton>
#include <QSet>
#include <QTimer>

#include <functional>

namespace Digikam
{

// Watches digiKam's own progress area for dkcloud's items, by the manager's
// signals: "host-progress added label=Uploading to OneDrive: /A",
// "host-progress percent=40", "host-progress completed". The slots name the
// item type as digiKam's signals do (unqualified), so that they connect by
// name. digiKam makes items on worker threads too, and an item may be gone by
// the time a queued slot ran: the slots run in the emitting thread (direct
// connections), reading the item while it surely exists.
class DkCloudProgressWatcher : public QObject
{
    Q_OBJECT

public:
    explicit DkCloudProgressWatcher(QObject* parent, std::function<void(const QString&)> write)
        : QObject(parent)
        , m_write(std::move(write))
    {
    }

public Q_SLOTS:
    void added(ProgressItem* item)
    {
        if (!item || !item->label().startsWith(QStringLiteral("Uploading to ")))
            return;
        QMutexLocker lock(&m_mutex);
        m_ours.insert(item);
        m_write(QStringLiteral("host-progress added label=%1").arg(item->label()));
    }

    void progress(ProgressItem* item, uint percent)
    {
        QMutexLocker lock(&m_mutex);
        if (m_ours.contains(item))
            m_write(QStringLiteral("host-progress percent=%1").arg(percent));
    }

    void completed(ProgressItem* item)
    {
        QMutexLocker lock(&m_mutex);
        if (m_ours.remove(item))
            m_write(QStringLiteral("host-progress completed"));
    }

private:
    std::function<void(const QString&)> m_write;
    QMutex                              m_mutex;
    QSet<ProgressItem*>                 m_ours;
};

} // namespace Digikam


namespace DkCloud
{

namespace
{

using Testing::writeLine;
using Testing::yesNo;

DkCloudPlugin* pluginInstance()
{
    return qobject_cast<DkCloudPlugin*>(Testing::ownPluginInstance(reinterpret_cast<const void*>(&pluginInstance)));
}

// "OneDrive started title=Export to OneDrive items=/a.jpg|/b.jpg"
void writeWindowLine(const ExportWindow* window, const QString& event)
{
    QStringList paths;
    for (const QUrl& url : window->items())
        paths << url.toLocalFile();
    writeLine(QStringLiteral("%1 %2 title=%3 items=%4")
                  .arg(serviceInfo(window->service()).name, event, window->windowTitle(), paths.join(QLatin1Char('|'))));
}

void watchUpload(ExportWindow* w)
{
    QObject::connect(w, &ExportWindow::uploadRefused, w,
                     [w](const QString& error) { writeWindowLine(w, QStringLiteral("upload-refused error=%1").arg(error)); });
    QObject::connect(w, &ExportWindow::uploadStarted, w, [w]() { writeWindowLine(w, QStringLiteral("started")); });
    QObject::connect(w, &ExportWindow::closeQuestionShown, w, [w]() { writeWindowLine(w, QStringLiteral("close-question")); });
    QObject::connect(w, &ExportWindow::movedToBackground, w, [w]() { writeWindowLine(w, QStringLiteral("background")); });
    QObject::connect(w, &ExportWindow::unfinishedOffered, w,
                     [w](const QString& job) {
                         const QString text = w->widget()->resumeText()->text().simplified();
                         writeLine(QStringLiteral("%1 unfinished-offered job=%2 text=%3")
                                       .arg(serviceInfo(w->service()).name, job, text));
                     });
    QObject::connect(w, &ExportWindow::unfinishedDiscarded, w,
                     [w](const QString& job) { writeWindowLine(w, QStringLiteral("unfinished-discarded job=%1").arg(job)); });
    QObject::connect(w, &ExportWindow::fileFinished, w, [w](const QString& path, const QString& state, const QString& remote) {
        writeWindowLine(w, QStringLiteral("file path=%1 state=%2 remote=%3").arg(path, state, remote));
    });
    QObject::connect(w, &ExportWindow::uploadFinished, w, [w](const UploadResult& r) {
        writeWindowLine(w, QStringLiteral("finished uploaded=%1 already=%2 replaced=%3 kept=%4 skipped=%5 failed=%6 "
                                          "cancelled=%7 url=%8")
                               .arg(r.uploaded)
                               .arg(r.alreadyThere)
                               .arg(r.replaced)
                               .arg(r.keptBoth)
                               .arg(r.skipped)
                               .arg(r.failed)
                               .arg(r.cancelled ? 1 : 0)
                               .arg(r.folderUrl));
    });
}

// With DKCLOUD_TEST_CATALOGUE=po/de/dkcloud.po (the language tests): once the
// window knows its account, "texts service=OneDrive count=N start=&Hochladen
// starten", one "untranslated text=..." per visible text still in English,
// then "texts-checked untranslated=K"; with DKCLOUD_TEST_SHOT=FILE.png also
// the window's picture there ("texts-shot saved=yes").
void checkTexts(ExportWindow* w)
{
    const QString catalogue = qEnvironmentVariable("DKCLOUD_TEST_CATALOGUE");
    if (catalogue.isEmpty())
        return;
    auto* once          = new QObject(w);
    const auto check    = [w, once, catalogue]() {
        if (once->property("done").toBool())
            return;
        once->setProperty("done", true);
        QTimer::singleShot(500, w, [w, catalogue]() {
            const QStringList texts   = Testing::visibleTexts(w);
            const QStringList english = Testing::untranslatedTexts(texts, catalogue);
            writeLine(QStringLiteral("texts service=%1 count=%2 start=%3")
                          .arg(serviceInfo(w->service()).name)
                          .arg(texts.size())
                          .arg(w->startButton()->text()));
            for (const QString& text : english)
                writeLine(QStringLiteral("untranslated text=%1").arg(QString(text).replace(QLatin1Char('\n'), QLatin1Char(' '))));
            // The window as it draws itself: no other window over it (X would
            // leave a pop-up of the host's black in a screen grab).
            const QString shot = qEnvironmentVariable("DKCLOUD_TEST_SHOT");
            if (!shot.isEmpty())
                writeLine(QStringLiteral("texts-shot saved=%1").arg(yesNo(w->grab().save(shot))));
            writeLine(QStringLiteral("texts-checked untranslated=%1").arg(english.size()));
        });
    };
    QObject::connect(w, &ExportWindow::accountChanged, once, check);
    QObject::connect(w, &ExportWindow::accountFailed, once, check);
}

void watchWindow(ExportWindow* w)
{
    writeWindowLine(w, QStringLiteral("opened"));
    checkTexts(w);
    QObject::connect(w, &ExportWindow::accountChanged, w,
                     [w](const QString& name) { writeWindowLine(w, QStringLiteral("account name=%1").arg(name)); });
    QObject::connect(w, &ExportWindow::accountFailed, w,
                     [w](const QString& error) { writeWindowLine(w, QStringLiteral("account-error error=%1").arg(error)); });
    QObject::connect(w, &ExportWindow::pasteCodeRequested, w, [w]() { writeWindowLine(w, QStringLiteral("paste-code")); });
    QObject::connect(w, &ExportWindow::loggedOut, w,
                     [w](const QString& name) { writeWindowLine(w, QStringLiteral("logged-out name=%1").arg(name)); });
    QObject::connect(w, &ExportWindow::foldersLoaded, w,
                     [w](int count) { writeWindowLine(w, QStringLiteral("folders count=%1").arg(count)); });
    QObject::connect(w, &ExportWindow::foldersFailed, w,
                     [w](const QString& error) { writeWindowLine(w, QStringLiteral("folders-error error=%1").arg(error)); });
    QObject::connect(w, &ExportWindow::folderCreated, w,
                     [w](const QString& path) { writeWindowLine(w, QStringLiteral("folder-created path=%1").arg(path)); });
    // "OneDrive thumbnail from=digikam size=64x48 path=/a.jpg": rows in view
    // get theirs, at the photo's proportions (size=0x0: a generic icon).
    QObject::connect(w->imageList(), &ImageList::thumbnailShown, w, [w](const QString& path, const QSize& size) {
        writeLine(QStringLiteral("%1 thumbnail from=%2 size=%3x%4 path=%5")
                      .arg(serviceInfo(w->service()).name, w->imageList()->thumbnailOrigin())
                      .arg(qMax(0, size.width()))
                      .arg(qMax(0, size.height()))
                      .arg(path));
    });
    watchUpload(w);
}

// With DKCLOUD_TEST_GUI_GAPS set (the benchmarks): a 10 ms timer on the GUI
// thread; a turn of the event loop that came more than 50 ms late is a
// freeze: "gui-gap ms=180 end=<ms since the epoch>". The same for any
// window of the host, dkcloud's or digiKam's own exporters'.
void watchGuiGaps()
{
    if (qEnvironmentVariableIsEmpty("DKCLOUD_TEST_GUI_GAPS"))
        return;
    auto* timer = new QTimer(QCoreApplication::instance());
    auto* clock = new QElapsedTimer;
    clock->start();
    timer->setTimerType(Qt::PreciseTimer);
    QObject::connect(timer, &QTimer::timeout, timer, [clock]() {
        const qint64 gap = clock->restart();
        if (gap > 50)
            writeLine(QStringLiteral("gui-gap ms=%1 end=%2").arg(gap).arg(QDateTime::currentMSecsSinceEpoch()));
    });
    timer->start(10);
}

// "action export_dkcloud_onedrive text=... shortcut=... in=QMenu:exportMenu,... icon=yes"
void writeActionLines(QObject* host)
{
    if (!host)
        return;
    for (ServiceId service : {ServiceId::OneDrive, ServiceId::Dropbox})
    {
        const ServiceInfo& info = serviceInfo(service);
        for (const QAction* action : host->findChildren<QAction*>(info.actionObjectName))
        {
            QStringList menus;
#if QT_VERSION >= QT_VERSION_CHECK(6, 0, 0)
            const QList<QObject*> widgets = action->associatedObjects(); // Qt 6: widgets and others
#else
            const QList<QWidget*> widgets = action->associatedWidgets();
#endif
            for (const QObject* widget : widgets)
                menus << QString::fromLatin1(widget->metaObject()->className()) + QLatin1Char(':') + widget->objectName();
            writeLine(QStringLiteral("action %1 text=%2 shortcut=%3 in=%4 icon=%5")
                          .arg(info.actionObjectName, action->text(),
                               action->shortcut().toString(QKeySequence::PortableText), menus.join(QLatin1Char(',')),
                               yesNo(!action->icon().isNull())));
        }
    }
}

void watchPlugin(DkCloudPlugin* plugin)
{
    QObject::connect(plugin, &DkCloudPlugin::actionsPlaced, plugin, [plugin](QObject* host) {
        writeLine(QStringLiteral("plugin name=%1 version=%2 icon=%3")
                      .arg(plugin->name(), dkcloudVersion(), yesNo(!plugin->icon().isNull())));
        writeActionLines(host);
    });
    QObject::connect(plugin, &DkCloudPlugin::exportWindowOpened, plugin, &watchWindow);
}

// digiKam's progress area (showfoto has none: its background uploads use the
// plugin's own small window).
void watchHostProgress()
{
    QCoreApplication* app = QCoreApplication::instance();
    if (QCoreApplication::applicationName() != QLatin1String("digikam"))
        return;
    Digikam::ProgressManager* manager = Digikam::ProgressManager::instance();
    auto* watcher = new Digikam::DkCloudProgressWatcher(app, &writeLine);
    const bool connected =
        QObject::connect(manager, SIGNAL(progressItemAdded(ProgressItem*)), watcher, SLOT(added(ProgressItem*)),
                         Qt::DirectConnection)
        && QObject::connect(manager, SIGNAL(progressItemProgress(ProgressItem*, uint)), watcher,
                            SLOT(progress(ProgressItem*, uint)), Qt::DirectConnection)
        && QObject::connect(manager, SIGNAL(progressItemCompleted(ProgressItem*)), watcher,
                            SLOT(completed(ProgressItem*)), Qt::DirectConnection);
    if (!connected)
        writeLine(QStringLiteral("probe: cannot watch digiKam's progress manager"));
}

// Runs when the host loads the library, before the loader asks for the
// plugin object: the probe looks for it once the event loop runs, which is
// still before the plugin's deferred actionsPlaced (queued later, by setup()).
struct Probe
{
    Probe()
    {
        Testing::whenHostRuns([]() {
            watchHostProgress();
            watchGuiGaps();
            if (DkCloudPlugin* plugin = pluginInstance())
                watchPlugin(plugin);
            else
                writeLine(QStringLiteral("probe: no plugin instance found"));
        });
    }
};

const Probe probe;

} // namespace

} // namespace DkCloud

#include "probe.moc"
