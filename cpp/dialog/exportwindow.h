// The export window, one class for both services: the flow of an export
// (session, account, albums, upload) over the widgets of ExportWidget;
// exportwindow.cpp holds the window, albums and upload, exportaccount.cpp the
// session and account, exportjobs.cpp share links and unfinished uploads.
// The session, sign-in, albums and the upload job go through its Talker
// (cpp/core); this class starts them and shows their state. Its signals tell what happened, for whoever watches the dialog (the
// tests do; nothing in the plugin needs them).
#pragma once

#include "backgroundprogress.h"
#include "engine.h"
#include "exportsettings.h"
#include "uploadprogress.h"

#include <QDialog>
#include <QList>
#include <QPointer>
#include <QUrl>

#include <functional>
#include <memory>

class QComboBox;
class QMessageBox;
class QLabel;
class QProgressBar;
class QPushButton;

namespace DkCloud
{

class ExportWidget;
class ImageList;
class Talker;

class ExportWindow : public QDialog
{
    Q_OBJECT

public:
    ExportWindow(ServiceId service, const QList<QUrl>& items, QWidget* parent = nullptr);
    ~ExportWindow() override;

    ServiceId service() const { return m_service; }
    QList<QUrl> items() const;
    void addItems(const QList<QUrl>& items);
    bool isUploading() const;
    // The window was closed with "Keep Uploading in Background" and the upload goes on.
    bool isInBackground() const { return static_cast<bool>(m_background); }
    // What shows a background upload; by default a small ProgressWindow. The
    // plugin gives digiKam's own progress area instead.
    using BackgroundFactory = std::function<std::unique_ptr<BackgroundProgress>(ExportWindow&)>;
    void setBackgroundFactory(BackgroundFactory factory) { m_backgroundFactory = std::move(factory); }
    // The album the upload goes to (the one chosen when it started).
    QString remoteFolder() const { return m_settings.folder; }
    // "3 of 10 photos to /Trip" (for a quit question and the progress area).
    QString runningUploadText() const;
    // The host quits: a running upload stops at once, to be resumed (its
    // open sessions kept); its end still comes, cancelled.
    void stopToResumeLater();
    // A warning shown above the buttons (e.g. a shortcut clash), empty hides it.
    void setNotice(const QString& text);

    // The widgets by role (for tests).
    ExportWidget* widget() const { return m_ui; }
    ImageList*    imageList() const;
    QComboBox*    folderCombo() const;
    QPushButton*  startButton() const;
    QPushButton*  loginButton() const;
    QPushButton*  logoutButton() const;
    QComboBox*    accountCombo() const;
    QComboBox*    conflictCombo() const;
    QLabel*       accountLabel() const;
    QLabel*       statusLabel() const;
    QLabel*       summaryLabel() const;
    QProgressBar* progressBar() const;

Q_SIGNALS:
    // The service knows the account (at opening, after a login, a switch).
    void accountChanged(const QString& name);
    // Not logged in, or the service could not tell who: the engine's details.
    void accountFailed(const QString& error);
    // The sign-in page went to the browser, or (`inBrowser` false: no browser
    // could be started) is shown as a link to open by hand.
    void signInPageOpened(const QString& url, bool inBrowser);
    // The login port was taken: the dialog asks for the code the page shows.
    void pasteCodeRequested();
    void loggedOut(const QString& name);
    // App Registration... opened its assistant (modal, until it closes).
    void registrationAssistantOpened(QDialog* assistant);
    // The album list arrived: `count` entries in the album combo.
    void foldersLoaded(int count);
    void foldersFailed(const QString& error);
    void folderCreated(const QString& path);
    // The engine would not start the upload (nothing was sent).
    void uploadRefused(const QString& error);
    void uploadStarted();
    // A photo reached its final state, FileStateText::name (uploaded,
    // already-there, replaced, kept-both, skipped, failed, cancelled), stored
    // at `remotePath` on the service.
    void fileFinished(const QString& localPath, const QString& state, const QString& remotePath);
    void uploadFinished(const DkCloud::UploadResult& result);
    // Closing during an upload asks what to do with it; the question is open.
    void closeQuestionShown();
    // The window closed and its upload goes on in the background.
    void movedToBackground();
    // An earlier upload to this service did not finish: Resume and Discard are offered.
    void unfinishedOffered(const QString& jobId);
    void unfinishedDiscarded(const QString& jobId);
    // Share Link made (or found) the album's link and copied it.
    void linkShared(const QString& url);
    void linkFailed(const QString& error);

public Q_SLOTS:
    void startUpload();
    void reloadFolders();
    void createFolder(const QString& path);
    void logIn();
    void logOut();
    // The upload goes on with the window closed (see setBackgroundFactory).
    void keepUploadingInBackground();
    // Cancels the upload (the photos stored so far stay).
    void stopUpload();
    // A link to the chosen album (view or edit, expiring after `days`, 0:
    // never), copied to the clipboard.
    void shareLink(bool edit, int days);
    // The offered unfinished upload: continue it, or forget it.
    void resumeUnfinished();
    void discardUnfinished();

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void reject() override;

private:
    void connectWidgets();
    void connectTalker();
    void connectFolders();
    void saveSettings();
    void openSession();
    void switchAccount(int index);
    void refreshAccount();
    void showAccount(const QString& name);
    void refreshAccounts();
    void showLoggedOut();
    void showSignInPage(const QString& url, bool opened);
    void askForPastedCode();
    // The browser sign-in (or the pasted code) came to an end, whichever.
    void loginStepEnded();
    void showFolders(const QStringList& folders);
    void showError(const QString& what, const EngineFailure& failure);
    void somethingChanged();
    void setBusy(bool busy);
    void updateButtons();
    void askNewFolder();
    void editRegistration();
    void addPhotosFromDisk();
    void connectUpload();
    void onFileChanged(const ffi::FileEvent& event);
    void onFinished(const ffi::JobSummary& summary);
    void offerUnfinished();
    // Shows a started (or resumed) job's run.
    void runStarted();
    void askAboutRunningUpload();

    ServiceId      m_service;
    ExportSettings m_settings;
    Talker*        m_talker;
    ExportWidget*  m_ui = nullptr;
    std::unique_ptr<UploadProgressView> m_view;

    std::unique_ptr<BackgroundProgress>            m_background;
    BackgroundFactory                              m_backgroundFactory;
    QPointer<QMessageBox>                          m_closeQuestion;
    ffi::JobProgress                               m_lastProgress;
    QString                                        m_offeredJob;
    QList<QUrl>                                    m_offeredFiles;
    int                                            m_busy = 0;
    // The job being started is an unfinished one resumed (for the refusal's words).
    bool                                           m_resuming = false;
    // A browser login is under way: the login button cancels it.
    bool                                           m_loggingIn = false;
    // The account is known to the service (accountName() answered).
    bool                                           m_loggedIn = false;
    // The last run ended with every photo in place and nothing changed since.
    bool                                           m_finishedUnchanged = false;
};

} // namespace DkCloud
