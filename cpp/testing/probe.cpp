// Compiled only into the test build of the plugin (build/testing/, never
// installed): it watches the plugin and its export windows through their
// signals and writes one line per event to the file named by
// DKCLOUD_TEST_HOOK, which the in-host tests (digiKam and showfoto under Xvfb)
// read. The shipped plugin has none of this.
#include "dkcloudplugin.h"
#include "hook.h"
#include "service.h"

#include <QAction>
#include <QCoreApplication>
#include <QKeySequence>
#include <QMenu>


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

void watchWindow(ExportWindow* w)
{
    writeWindowLine(w, QStringLiteral("opened"));
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
    watchUpload(w);
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

// Runs when the host loads the library, before the loader asks for the
// plugin object: the probe looks for it once the event loop runs, which is
// still before the plugin's deferred actionsPlaced (queued later, by setup()).
struct Probe
{
    Probe()
    {
        Testing::whenHostRuns([]() {
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
