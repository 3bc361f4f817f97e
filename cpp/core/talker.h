// One conversation with a service, for a window or a BQM tool: the engine
// session (one account), its blocking calls run off the GUI thread, the
// sign-in events handed to the GUI thread, and what came of each as a
// signal. It words nothing and shows nothing: the window and the BQM
// settings widget run their own UI from its signals. Every call ends in
// exactly one of its two signals (done or failed), so a caller that marks
// itself busy can rely on it.
#pragma once

#include "engine.h"
#include "service.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <memory>

namespace DkCloud
{

ffi::Service engineService(ServiceId id);

class Talker : public QObject
{
    Q_OBJECT

public:
    using Session = std::shared_ptr<rust::Box<ffi::ExportSession>>;

    explicit Talker(ServiceId service, QObject* parent = nullptr);
    // A sign-in still under way is cancelled: nobody would hear its end.
    ~Talker() override;

    ServiceId service() const { return m_service; }
    // The session of the current account (null before it opened, or when it could not).
    Session session() const { return m_session; }
    bool hasSession() const { return static_cast<bool>(m_session); }
    // Where the registration in use comes from (empty: none, not even a built-in one).
    QString registrationOrigin() const;
    // The address the service sends the browser back to after a sign-in.
    QString redirectUri() const;
    bool isLoggingIn() const { return m_loggingIn; }
    // An upload job of this talker's is running (started or resumed, not yet finished).
    bool isUploading() const { return static_cast<bool>(m_job); }

public Q_SLOTS:
    // A session for `account` (empty: not logged in yet), at once:
    // sessionOpened or sessionFailed before it returns.
    void openSession(const ffi::AppRegistration& registration, const QString& account);
    // The same off the GUI thread; a later open supersedes one still running.
    void openSessionInBackground(const ffi::AppRegistration& registration, const QString& account);
    // Who the session's account is: accountKnown or accountFailed.
    void refreshAccount();
    // The logins the token store holds for the service: accountsListed or accountsFailed.
    void listAccounts();
    // A browser sign-in with the current session (a new login adds or
    // switches its account): signInPageOpened while it waits, then loggedIn,
    // pasteCodeNeeded, loginCancelled or loginFailed.
    void logIn();
    // The same with a session of its own, opened for the sign-in (the BQM
    // tool: the current one may not be open yet).
    void logInWithNewSession(const ffi::AppRegistration& registration);
    void cancelLogin();
    // The code the browser showed (after pasteCodeNeeded): loggedIn or loginFailed.
    void finishLogin(const QString& code);
    // Forgets the session's login: loggedOut or logoutFailed.
    void logOut();
    // foldersListed or foldersFailed.
    void listFolders();
    // folderCreated (with the path the service gave) or folderFailed.
    void createFolder(const QString& path);

    // An upload job with the current session, at once: uploadStarted, then
    // fileChanged and uploadProgress as it goes and uploadFinished at its
    // end; or uploadRefused (nothing was sent). One job at a time.
    void startUpload(const QList<QUrl>& files, const QString& folder, const dkcloud::ffi::UploadOptions& options,
                     const QString& conflict);
    // The same for an unfinished job the engine kept (its own files and folder).
    void resumeUpload(const QString& jobId);
    // Stops the job; what the service has stored stays. uploadFinished follows.
    void cancelUpload();
    // Stops the job to be resumed later (its open upload sessions kept);
    // uploadFinished follows, cancelled.
    void suspendUpload();
    // Suspends the job and waits up to `waitMs` for it to end, then lets it
    // go without a further signal (the front end is going away). True if it ended.
    bool abandonUpload(int waitMs);

Q_SIGNALS:
    void sessionOpened(const QString& account);
    void sessionFailed(const DkCloud::EngineFailure& failure);
    void accountKnown(const QString& name);
    // Not logged in (no app registration at all: kind AppNotRegistered), or
    // the service could not tell who.
    void accountFailed(const DkCloud::EngineFailure& failure);
    void accountsListed(const QStringList& names);
    void accountsFailed(const QString& error);
    // The sign-in page went to the browser, or (`inBrowser` false: no browser
    // could be started) waits to be opened by hand.
    void signInPageOpened(const QString& url, bool inBrowser);
    // The login port was taken: the page shows a code, to be given to finishLogin.
    void pasteCodeNeeded(const QString& instructions);
    void loggedIn(const QString& account);
    void loginCancelled();
    void loginFailed(const DkCloud::EngineFailure& failure);
    void loggedOut(const QString& name);
    void logoutFailed(const DkCloud::EngineFailure& failure);
    void foldersListed(const QStringList& paths);
    void foldersFailed(const DkCloud::EngineFailure& failure);
    void folderCreated(const QString& path);
    void folderFailed(const DkCloud::EngineFailure& failure);
    void uploadStarted();
    void uploadRefused(const DkCloud::EngineFailure& failure);
    // A photo changed state (uploading, then its final state).
    void fileChanged(const dkcloud::ffi::FileEvent& event);
    void uploadProgress(const dkcloud::ffi::JobProgress& progress);
    // The job ended (done, failed, cancelled or suspended); isUploading() is false by now.
    void uploadFinished(const dkcloud::ffi::JobSummary& summary);

private:
    // The sink a new job reports to: its events come to this talker's thread.
    std::shared_ptr<QtUploadEvents> newUploadEvents();
    void adoptJob(Outcome<rust::Box<ffi::UploadJob>>& job);

    void adoptSession(Outcome<rust::Box<ffi::ExportSession>>& outcome, const QString& account);
    // `slot` holds the session to sign in with, or null: one is opened with `registration` first.
    void runLogin(std::shared_ptr<Session> slot, const ffi::AppRegistration& registration);
    // Runs `call` on `session` off the GUI thread, then emits `done` with its
    // value or `failed` with why; nothing at all without a session.
    template <typename T, typename Value>
    void ask(const Session& session, std::function<T(ffi::ExportSession&)> call, void (Talker::*done)(Value),
             void (Talker::*failed)(const DkCloud::EngineFailure&));

    ServiceId                      m_service;
    Session                        m_session;
    // The session a sign-in runs in (the current one, or its own).
    std::shared_ptr<Session>       m_loginSession;
    std::shared_ptr<QtLoginEvents> m_loginEvents;
    std::unique_ptr<rust::Box<ffi::UploadJob>> m_job;
    std::shared_ptr<QtUploadEvents>            m_uploadEvents;
    bool                           m_loggingIn      = false;
    int                            m_openGeneration = 0;
};

} // namespace DkCloud

Q_DECLARE_METATYPE(DkCloud::EngineFailure)
