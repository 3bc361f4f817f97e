// The export window's account flow: the engine session for the service and
// account, who is logged in, the browser login (or the pasted code), the
// account list, log out, the app registration.
#include "exportwindow.h"

#include "exportwidget.h"
#include "registrationassistant.h"
#include "registrationwording.h"
#include "wording.h"

#include <QComboBox>
#include <QInputDialog>
#include <QLabel>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QPushButton>

Q_DECLARE_LOGGING_CATEGORY(DKCLOUD_LOG)

namespace DkCloud
{

void ExportWindow::openSession()
{
    const ffi::AppRegistration registration = m_settings.registration();
    const ffi::Service service              = engineService();

    m_loggedIn            = false;
    const QString account = m_settings.account;
    auto session          = callEngine<rust::Box<ffi::ExportSession>>(
        [&]() { return ffi::openSession(service, registration, toRust(account)); });
    if (!session.ok())
    {
        m_session.reset();
        showError(tr("Cannot use %1:").arg(serviceInfo(m_service).name), session);
        updateButtons();
        return;
    }
    m_session = std::make_shared<rust::Box<ffi::ExportSession>>(std::move(*session.value));
    updateButtons();
    refreshAccount();
    offerUnfinished();
}

ffi::Service ExportWindow::engineService() const
{
    return m_service == ServiceId::OneDrive ? ffi::Service::OneDrive : ffi::Service::Dropbox;
}

void ExportWindow::switchAccount(int index)
{
    const QString chosen = m_ui->accountCombo()->itemText(index);
    if (chosen != m_settings.account)
    {
        m_settings.account = chosen;
        openSession();
    }
}

void ExportWindow::refreshAccounts()
{
    // The combo lists the logins the token store still holds, never a name
    // that is only remembered in the settings.
    const ffi::Service service = engineService();
    runInBackground<rust::Vec<rust::String>>(
        this, [service]() { return ffi::accounts(service); },
        [this](const Outcome<rust::Vec<rust::String>>& outcome) {
            QComboBox* accounts = m_ui->accountCombo();
            accounts->clear();
            if (!outcome.ok())
            {
                qCWarning(DKCLOUD_LOG).noquote() << "cannot list the stored logins:" << outcome.error;
                return;
            }
            for (const auto& name : *outcome.value)
                accounts->addItem(toQString(name));
            const QString current = m_loggedIn ? m_ui->accountName()->text() : QString();
            accounts->setCurrentIndex(accounts->findText(current));
        });
}

void ExportWindow::showLoggedOut()
{
    m_loggedIn = false;
    m_ui->accountName()->setText(tr("not logged in"));
    m_ui->loginButton()->setText(tr("&Log in"));
    updateButtons();
}

void ExportWindow::refreshAccount()
{
    if (!m_session)
        return;
    auto session = m_session;
    setBusy(true);
    m_ui->statusLabel()->setText(tr("Connecting to %1...").arg(serviceInfo(m_service).name));
    runInBackground<rust::String>(
        this, [session]() { return (*session)->accountName(); },
        [this](const Outcome<rust::String>& outcome) {
            setBusy(false);
            if (!outcome.ok())
            {
                showLoggedOut();
                refreshAccounts();
                EngineFailure failure = outcome;
                // No registration anywhere (none built in either): the assistant is what comes first.
                if (failure.kind == ffi::ErrorKind::NotLoggedIn && m_session && (*m_session)->registrationOrigin().empty())
                    failure.kind = ffi::ErrorKind::AppNotRegistered;
                showError(tr("Not logged in:"), failure);
                Q_EMIT accountFailed(outcome.error);
                return;
            }
            showAccount(toQString(*outcome.value));
        });
}

void ExportWindow::showAccount(const QString& name)
{
    m_loggedIn = true;
    m_ui->accountName()->setText(name);
    m_ui->loginButton()->setText(tr("Change &Account"));
    m_ui->statusLabel()->clear();
    refreshAccounts();
    updateButtons();
    Q_EMIT accountChanged(name);
    reloadFolders();
}

void ExportWindow::logIn()
{
    if (!m_session)
        return;
    // While the browser waits, the same button cancels the login.
    if (m_loggingIn)
    {
        (*m_session)->cancelLogin();
        return;
    }
    // "Change Account": a new login adds or switches the account.
    if (m_loginEvents)
        m_loginEvents->detach();
    m_loginEvents = std::make_shared<QtLoginEvents>(
        this, [this](const QString& url, bool opened) { showSignInPage(url, opened); });
    auto session = m_session;
    auto events  = m_loginEvents;
    setBusy(true);
    m_loggingIn = true;
    m_ui->loginButton()->setText(tr("&Cancel Login"));
    m_ui->statusLabel()->setText(tr("Opening the sign-in page..."));
    runInBackground<ffi::LoginStep>(
        this, [session, events]() { return (*session)->login(std::static_pointer_cast<ffi::LoginEvents>(events)); },
        [this](const Outcome<ffi::LoginStep>& outcome) {
            m_loggingIn = false;
            m_ui->loginButton()->setText(m_loggedIn ? tr("Change &Account") : tr("&Log in"));
            setBusy(false);
            if (!outcome.ok() && outcome.kind == ffi::ErrorKind::Cancelled)
            {
                m_ui->statusLabel()->setText(tr("Login cancelled. Click \"Log in\" to try again."));
                return;
            }
            if (!outcome.ok())
            {
                showError(tr("Cannot log in:"), outcome);
                return;
            }
            if (outcome.value->signed_in)
                loggedIn(toQString(outcome.value->account));
            else
                askForPastedCode(toQString(outcome.value->paste_instructions));
        });
}

void ExportWindow::showSignInPage(const QString& url, bool opened)
{
    qCInfo(DKCLOUD_LOG).noquote() << (opened ? "the sign-in page is open in the browser:"
                                             : "no browser could be started; the sign-in page:")
                                  << url;
    QString text = tr("Finish signing in in your web browser...").toHtmlEscaped();
    if (!opened)
        text += QStringLiteral("<br>") + signInLinkHtml(url);
    const auto setup  = callEngine<ffi::SetupInfo>([this]() { return ffi::setupInfo(engineService()); });
    const QString uri = setup.ok() ? toQString(setup.value->redirect_uri) : QString();
    const QString origin = m_session ? toQString((*m_session)->registrationOrigin()) : QString();
    text += QStringLiteral("<br>") + signInTroubleText(m_service, origin, uri, FrontEnd::ExportWindow).toHtmlEscaped();
    m_ui->statusLabel()->setText(text);
    Q_EMIT signInPageOpened(url, opened);
}

void ExportWindow::askForPastedCode(const QString& instructions)
{
    // The loopback port was taken: the browser shows a code instead.
    Q_EMIT pasteCodeRequested();
    bool ok            = false;
    const QString code = QInputDialog::getText(this, tr("Finish Logging In"), instructions, QLineEdit::Normal,
                                               QString(), &ok).trimmed();
    if (!ok || code.isEmpty())
    {
        m_ui->statusLabel()->setText(tr("Login cancelled. Click \"Log in\" to try again."));
        return;
    }
    auto session            = m_session;
    const rust::String text = toRust(code);
    setBusy(true);
    runInBackground<rust::String>(
        this, [session, text]() { return (*session)->finishLogin(text); },
        [this](const Outcome<rust::String>& outcome) {
            setBusy(false);
            if (!outcome.ok())
            {
                showError(tr("Cannot log in:"), outcome);
                return;
            }
            loggedIn(toQString(*outcome.value));
        });
}

void ExportWindow::loggedIn(const QString& account)
{
    m_settings.account = account;
    saveSettings();
    refreshAccount();
}

void ExportWindow::logOut()
{
    if (!m_session || !m_loggedIn)
        return;
    const QString name = m_ui->accountName()->text();
    const auto answer  = QMessageBox::question(
        this, tr("Log out"),
        tr("Log out of %1 as %2? dkcloud forgets this login on this computer; you can log in again at any time.")
            .arg(serviceInfo(m_service).name, name));
    if (answer != QMessageBox::Yes)
        return;
    auto session = m_session;
    setBusy(true);
    runInBackground<rust::String>(
        this, [session]() { return (*session)->logout(); },
        [this](const Outcome<rust::String>& outcome) {
            setBusy(false);
            if (!outcome.ok())
            {
                showError(tr("Cannot log out:"), outcome);
                return;
            }
            m_settings.account.clear();
            saveSettings();
            showLoggedOut();
            m_ui->folderCombo()->clear();
            m_ui->folderCombo()->addItem(m_settings.folder);
            refreshAccounts();
            const QString name = toQString(*outcome.value);
            m_ui->statusLabel()->setText(tr("Logged out of %1.").arg(name));
            Q_EMIT loggedOut(name);
        });
}

void ExportWindow::editRegistration()
{
    RegistrationAssistant assistant(m_service, m_settings, this);
    const auto use = [this, &assistant]() {
        assistant.apply(m_settings);
        saveSettings();
        openSession();
    };
    // Its Test saves what was typed, as Save does.
    connect(&assistant, &RegistrationAssistant::saveRequested, this, use);
    Q_EMIT registrationAssistantOpened(&assistant);
    if (assistant.exec() == QDialog::Accepted)
        use();
}

} // namespace DkCloud
