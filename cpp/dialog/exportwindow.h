// The export window, one class for both services, laid out like digiKam's own
// web-service exporters: the photo list on the left; Account, Album and
// Options on the right; progress, Start Upload and Close at the bottom. All
// network work happens in the engine; this class only shows its state.
#pragma once

#include "engine.h"
#include "exportsettings.h"

#include <QDialog>
#include <QElapsedTimer>
#include <QList>
#include <QUrl>

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace DkCloud
{

class ImageList;

class ExportWindow : public QDialog
{
    Q_OBJECT

public:
    ExportWindow(ServiceId service, const QList<QUrl>& items, QWidget* parent = nullptr);
    ~ExportWindow() override;

    ServiceId service() const { return m_service; }
    QList<QUrl> items() const;
    void addItems(const QList<QUrl>& items);
    bool isUploading() const { return static_cast<bool>(m_job); }
    // A warning shown above the buttons (e.g. a shortcut clash), empty hides it.
    void setNotice(const QString& text);

    // For tests: the widgets by role.
    ImageList*    imageList() const { return m_list; }
    QComboBox*    folderCombo() const { return m_folders; }
    QPushButton*  startButton() const { return m_start; }
    QPushButton*  loginButton() const { return m_login; }
    QPushButton*  logoutButton() const { return m_logout; }
    QComboBox*    accountCombo() const { return m_accounts; }
    QComboBox*    conflictCombo() const { return m_conflict; }
    QLabel*       accountLabel() const { return m_accountName; }
    QLabel*       statusLabel() const { return m_status; }
    QLabel*       summaryLabel() const { return m_summary; }
    QProgressBar* progressBar() const { return m_progress; }

Q_SIGNALS:
    void accountChanged(const QString& name);
    void foldersReloaded();
    void uploadFinished();

public Q_SLOTS:
    void startUpload();
    void reloadFolders();
    void createFolder(const QString& path);
    void logIn();
    void logOut();

protected:
    void closeEvent(QCloseEvent* event) override;
    void reject() override;

private:
    void buildUi();
    void loadSettings();
    void saveSettings();
    void openSession();
    void refreshAccount();
    void showError(const QString& what, ffi::ErrorKind kind, const QString& detail);
    void somethingChanged();
    ffi::Service engineService() const;
    void refreshAccounts();
    void showLoggedOut();
    void showSignInPage(const QString& url, bool opened);
    void askForPastedCode(const QString& instructions);
    void loggedIn(const QString& account);
    void setBusy(bool busy);
    void updateButtons();
    void askNewFolder();
    void editRegistration();
    void addPhotosFromDisk();
    void onFileChanged(const ffi::FileEvent& event);
    void onProgress(const ffi::JobProgress& progress);
    void onFinished(const ffi::JobSummary& summary);
    bool stopJob(int waitMs);
    void writeTestHook(const QString& event) const;

    ServiceId      m_service;
    ExportSettings m_settings;

    std::shared_ptr<rust::Box<ffi::ExportSession>> m_session;
    std::unique_ptr<rust::Box<ffi::UploadJob>>     m_job;
    std::shared_ptr<QtUploadEvents>                m_uploadEvents;
    std::shared_ptr<QtLoginEvents>                 m_loginEvents;
    QElapsedTimer                                  m_jobClock;
    int                                            m_busy = 0;
    bool                                           m_autoUploaded = false;
    // The account is known to the service (accountName() answered).
    bool                                           m_loggedIn = false;
    // The last run ended with every photo in place and nothing changed since.
    bool                                           m_finishedUnchanged = false;

    ImageList*    m_list         = nullptr;
    QLabel*       m_accountName  = nullptr;
    QComboBox*    m_accounts     = nullptr;
    QPushButton*  m_login        = nullptr;
    QPushButton*  m_logout       = nullptr;
    QComboBox*    m_conflict     = nullptr;
    QComboBox*    m_folders      = nullptr;
    QPushButton*  m_newFolder    = nullptr;
    QPushButton*  m_reload       = nullptr;
    QCheckBox*    m_resize       = nullptr;
    QSpinBox*     m_quality      = nullptr;
    QSpinBox*     m_dimension    = nullptr;
    QCheckBox*    m_original     = nullptr;
    QLabel*       m_notice       = nullptr;
    QLabel*       m_status       = nullptr;
    QLabel*       m_summary      = nullptr;
    QProgressBar* m_progress     = nullptr;
    QLabel*       m_rate         = nullptr;
    QPushButton*  m_start        = nullptr;
    QPushButton*  m_close        = nullptr;
};

} // namespace DkCloud
