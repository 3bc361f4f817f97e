// The digiKam plugin itself: metadata and two actions in the Export menu.
// Everything else lives in the export window and the engine.
#pragma once

#include "digikam_api.h"
#include "exportwindow.h"
#include "service.h"
#include "takeover.h"

#include <QPointer>

namespace DkCloud
{

class DkCloudPlugin : public Digikam::DPluginGeneric
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID "org.kde.digikam.plugin.generic.DkCloud")
    Q_INTERFACES(Digikam::DPluginGeneric)

public:
    explicit DkCloudPlugin(QObject* parent = nullptr);
    ~DkCloudPlugin() override;

    QString name() const override;
    QString iid() const override;
    QIcon icon() const override;
    QString description() const override;
    QString details() const override;
    QList<Digikam::DPluginAuthor> authors() const override;
    void setup(QObject* parent) override;
    void cleanUp() override;

protected:
    // The host's main window is closing: a running upload is said, not silently stopped.
    bool eventFilter(QObject* watched, QEvent* event) override;

Q_SIGNALS:
    // Every plugin of the host is set up: our actions are in its menus.
    void actionsPlaced(QObject* host);
    // An export window opened on the host's selection (or its album).
    void exportWindowOpened(DkCloud::ExportWindow* window);

private Q_SLOTS:
    void slotExportToOneDrive();
    void slotExportToDropbox();

private:
    void openExportWindow(ServiceId service, QObject* action);
    void addServiceAction(ServiceId service, QObject* parent);
    void hostReady();
    // Take Over or Keep Both, when digiKam's own exporters hold our keys (once per host).
    void askTakeover();
    // Every window the host set the plugin up for (digiKam has several), and
    // the first of them on screen.
    HostWindows hostWindows() const;
    QWidget* visibleHostWindow() const;
    // Asks before the host quits with uploads running; false: stay open.
    bool     mayQuitWhileUploading();
    QObject* quitHost() const;

    QPointer<ExportWindow> m_oneDrive;
    QPointer<ExportWindow> m_dropbox;
    QPointer<QObject>      m_host;
    // The window whose close quits digiKam: the first host shown (digiKam 9.1
    // sets the plugin up in its hidden SurveyWindow before the main window).
    QPointer<QObject>      m_quitHost;
    QList<QPointer<QObject>> m_hosts;
    QPointer<QWidget>      m_takeoverQuestion;
    QList<ServiceId>       m_heldBack;      // our actions without their key until the answer
    QList<ServiceId>       m_builtinLoaded; // digiKam's own exporters loaded this session
    bool                   m_askWhenShown = false;
    // After the main window appears: the host's own start-up windows come first.
    static constexpr int takeoverQuestionDelayMs = 1500;
};

} // namespace DkCloud
