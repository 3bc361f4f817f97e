#include "talker.h"

namespace DkCloud
{

namespace
{

QString fromEngine(const rust::String& text)
{
    return toQString(text);
}

QStringList fromEngine(const rust::Vec<rust::String>& names)
{
    QStringList list;
    for (const auto& name : names)
        list << toQString(name);
    return list;
}

} // namespace

ffi::Service engineService(ServiceId id)
{
    return id == ServiceId::OneDrive ? ffi::Service::OneDrive : ffi::Service::Dropbox;
}

Talker::Talker(ServiceId service, QObject* parent)
    : QObject(parent)
    , m_service(service)
{
    qRegisterMetaType<DkCloud::EngineFailure>();
}

Talker::~Talker()
{
    abandonUpload(0);
    if (m_loginEvents)
        m_loginEvents->detach();
    if (m_loggingIn && m_loginSession && *m_loginSession)
        (**m_loginSession)->cancelLogin();
}

QString Talker::registrationOrigin() const
{
    const Session& session = m_loginSession && *m_loginSession ? *m_loginSession : m_session;
    return session ? toQString((*session)->registrationOrigin()) : QString();
}

QString Talker::redirectUri() const
{
    const auto setup = callEngine<ffi::SetupInfo>([this]() { return ffi::setupInfo(engineService(m_service)); });
    return setup.ok() ? toQString(setup.value->redirect_uri) : QString();
}

void Talker::openSession(const ffi::AppRegistration& registration, const QString& account)
{
    ++m_openGeneration;
    m_session.reset();
    const ffi::Service service = engineService(m_service);
    auto outcome               = callEngine<rust::Box<ffi::ExportSession>>(
        [&]() { return ffi::openSession(service, registration, toRust(account)); });
    adoptSession(outcome, account);
}

void Talker::openSessionInBackground(const ffi::AppRegistration& registration, const QString& account)
{
    const int generation       = ++m_openGeneration;
    const ffi::Service service = engineService(m_service);
    m_session.reset();
    runInBackground<rust::Box<ffi::ExportSession>>(
        this, [service, account, registration]() { return ffi::openSession(service, registration, toRust(account)); },
        [this, generation, account](const Outcome<rust::Box<ffi::ExportSession>>& outcome) {
            // A later open (another account chosen meanwhile) has the last word.
            if (generation != m_openGeneration)
                return;
            // The outcome holds the box; the session moves out of it, its only reader.
            adoptSession(const_cast<Outcome<rust::Box<ffi::ExportSession>>&>(outcome), account);
        });
}

void Talker::adoptSession(Outcome<rust::Box<ffi::ExportSession>>& outcome, const QString& account)
{
    if (!outcome.ok())
    {
        Q_EMIT sessionFailed(outcome);
        return;
    }
    m_session = std::make_shared<rust::Box<ffi::ExportSession>>(std::move(*outcome.value));
    Q_EMIT sessionOpened(account);
}

void Talker::refreshAccount()
{
    Session session = m_session;
    if (!session)
        return;
    runInBackground<rust::String>(
        this, [session]() { return (*session)->accountName(); },
        [this, session](const Outcome<rust::String>& outcome) {
            if (outcome.ok())
            {
                Q_EMIT accountKnown(toQString(*outcome.value));
                return;
            }
            EngineFailure failure = outcome;
            // No registration anywhere (none built in either): registering is what comes first.
            if (failure.kind == ffi::ErrorKind::NotLoggedIn && m_session && (*m_session)->registrationOrigin().empty())
                failure.kind = ffi::ErrorKind::AppNotRegistered;
            Q_EMIT accountFailed(failure);
        });
}

void Talker::listAccounts()
{
    const ffi::Service service = engineService(m_service);
    runInBackground<rust::Vec<rust::String>>(
        this, [service]() { return ffi::accounts(service); },
        [this](const Outcome<rust::Vec<rust::String>>& outcome) {
            if (outcome.ok())
                Q_EMIT accountsListed(fromEngine(*outcome.value));
            else
                Q_EMIT accountsFailed(outcome.error);
        });
}

void Talker::logIn()
{
    if (!m_session)
        return;
    runLogin(std::make_shared<Session>(m_session), ffi::AppRegistration());
}

void Talker::logInWithNewSession(const ffi::AppRegistration& registration)
{
    runLogin(std::make_shared<Session>(), registration);
}

void Talker::runLogin(std::shared_ptr<Session> slot, const ffi::AppRegistration& registration)
{
    if (m_loginEvents)
        m_loginEvents->detach();
    m_loginEvents = std::make_shared<QtLoginEvents>(
        this, [this](const QString& url, bool opened) { Q_EMIT signInPageOpened(url, opened); });
    m_loginSession             = slot;
    m_loggingIn                = true;
    auto events                = m_loginEvents;
    const ffi::Service service = engineService(m_service);
    runInBackground<ffi::LoginStep>(
        this,
        [slot, events, service, registration]() {
            if (!*slot)
                *slot = std::make_shared<rust::Box<ffi::ExportSession>>(ffi::openSession(service, registration, ""));
            return (**slot)->login(std::static_pointer_cast<ffi::LoginEvents>(events));
        },
        [this](const Outcome<ffi::LoginStep>& outcome) {
            m_loggingIn = false;
            if (!outcome.ok() && outcome.kind == ffi::ErrorKind::Cancelled)
                Q_EMIT loginCancelled();
            else if (!outcome.ok())
                Q_EMIT loginFailed(outcome);
            else if (outcome.value->signed_in)
                Q_EMIT loggedIn(toQString(outcome.value->account));
            else
                Q_EMIT pasteCodeNeeded(toQString(outcome.value->paste_instructions));
        });
}

void Talker::cancelLogin()
{
    if (m_loggingIn && m_loginSession && *m_loginSession)
        (**m_loginSession)->cancelLogin();
}

void Talker::finishLogin(const QString& code)
{
    if (!m_loginSession)
        return;
    const rust::String text = toRust(code);
    ask<rust::String>(
        *m_loginSession, [text](ffi::ExportSession& session) { return session.finishLogin(text); },
        &Talker::loggedIn, &Talker::loginFailed);
}

void Talker::logOut()
{
    ask<rust::String>(
        m_session, [](ffi::ExportSession& session) { return session.logout(); }, &Talker::loggedOut,
        &Talker::logoutFailed);
}

void Talker::listFolders()
{
    ask<rust::Vec<rust::String>>(
        m_session, [](ffi::ExportSession& session) { return session.listFolders(); }, &Talker::foldersListed,
        &Talker::foldersFailed);
}

void Talker::createFolder(const QString& path)
{
    const rust::String p = toRust(path);
    ask<rust::String>(
        m_session, [p](ffi::ExportSession& session) { return session.createFolder(p); }, &Talker::folderCreated,
        &Talker::folderFailed);
}

std::shared_ptr<QtUploadEvents> Talker::newUploadEvents()
{
    if (m_uploadEvents)
        m_uploadEvents->detach();
    QtUploadEvents::Handlers handlers;
    handlers.fileChanged = [this](const ffi::FileEvent& event) { Q_EMIT fileChanged(event); };
    handlers.progress    = [this](const ffi::JobProgress& progress) { Q_EMIT uploadProgress(progress); };
    handlers.finished    = [this](const ffi::JobSummary& summary) {
        m_job.reset();
        if (m_uploadEvents)
            m_uploadEvents->detach();
        Q_EMIT uploadFinished(summary);
    };
    m_uploadEvents = std::make_shared<QtUploadEvents>(this, handlers);
    return m_uploadEvents;
}

void Talker::adoptJob(Outcome<rust::Box<ffi::UploadJob>>& job)
{
    if (!job.ok())
    {
        m_uploadEvents->detach();
        Q_EMIT uploadRefused(job);
        return;
    }
    m_job = std::make_unique<rust::Box<ffi::UploadJob>>(std::move(*job.value));
    Q_EMIT uploadStarted();
}

void Talker::startUpload(const QList<QUrl>& files, const QString& folder, const ffi::UploadOptions& options,
                         const QString& conflict)
{
    Session session = m_session;
    if (!session || m_job)
        return;
    const std::vector<ffi::LocalFile> local = toLocalFiles(files);
    const rust::String remote               = toRust(folder);
    const rust::String policy               = toRust(conflict);
    auto events = std::static_pointer_cast<ffi::UploadEvents>(newUploadEvents());
    auto job    = callEngine<rust::Box<ffi::UploadJob>>([&]() {
        return (*session)->startUpload(rust::Slice<const ffi::LocalFile>(local.data(), local.size()), remote, options,
                                       policy, events);
    });
    adoptJob(job);
}

void Talker::resumeUpload(const QString& jobId)
{
    Session session = m_session;
    if (!session || m_job)
        return;
    const rust::String id = toRust(jobId);
    auto events           = std::static_pointer_cast<ffi::UploadEvents>(newUploadEvents());
    auto job = callEngine<rust::Box<ffi::UploadJob>>([&]() { return (*session)->resumeJob(id, events); });
    adoptJob(job);
}

void Talker::cancelUpload()
{
    if (m_job)
        (*m_job)->cancel();
}

void Talker::suspendUpload()
{
    if (m_job)
        (*m_job)->suspend();
}

bool Talker::abandonUpload(int waitMs)
{
    if (!m_job)
        return true;
    (*m_job)->suspend();
    const bool ended = (*m_job)->waitFor(static_cast<uint64_t>(waitMs));
    if (m_uploadEvents)
        m_uploadEvents->detach();
    m_job.reset();
    return ended;
}

template <typename T, typename Value>
void Talker::ask(const Session& session, std::function<T(ffi::ExportSession&)> call, void (Talker::*done)(Value),
                 void (Talker::*failed)(const EngineFailure&))
{
    if (!session)
        return;
    runInBackground<T>(
        this, [session, call]() { return call(**session); },
        [this, done, failed](const Outcome<T>& outcome) {
            if (outcome.ok())
                (this->*done)(fromEngine(*outcome.value));
            else
                (this->*failed)(outcome);
        });
}

} // namespace DkCloud
