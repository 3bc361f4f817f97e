// The export window's account flow over its talker: the session for the
// service and account, who is logged in, the browser login (or the pasted
// code), the account list, log out, the app registration. The talker does
// the work; this file shows what came of it.
#include "exportwindow.h"

#include "exportwidget.h"
#include "registrationassistant.h"
#include "registrationwording.h"
#include "talker.h"
#include "wording.h"

#include <KLocalizedString>

#include <QComboBox>
#include <QInputDialog>
#include <QLabel>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QPushButton>

Q_DECLARE_LOGGING_CATEGORY(DKCLOUD_LOG)

namespace DkCloud
{

void ExportWindow::connectTalker()
{
    connect(m_talker, &Talker::sessionOpened, this, [this]() {
        updateButtons();
        refreshAccount();
        offerUnfinished();
    });
    connect(m_talker, &Talker::sessionFailed, this, [this](const EngineFailure& failure) {
        showError(i18nc("@info:status export window", "Cannot use %1:", serviceInfo(m_service).name), failure);
        updateButtons();
    });
    connect(m_talker, &Talker::accountKnown, this, [this](const QString& name) {
        setBusy(false);
        showAccount(name);
    });
    connect(m_talker, &Talker::accountFailed, this, [this](const EngineFailure& failure) {
        setBusy(false);
        showLoggedOut();
        refreshAccounts();
        showError(i18nc("@info:status export window", "Not logged in:"), failure);
        Q_EMIT accountFailed(failure.error);
    });
    connect(m_talker, &Talker::accountsListed, this, [this](const QStringList& names) {
        // The combo lists the logins the token store still holds, never a
        // name that is only remembered in the settings.
        QComboBox* accounts = m_ui->accountCombo();
        accounts->clear();
        accounts->addItems(names);
        const QString current = m_loggedIn ? m_ui->accountName()->text() : QString();
        accounts->setCurrentIndex(accounts->findText(current));
    });
    connect(m_talker, &Talker::accountsFailed, this, [this](const QString& error) {
        m_ui->accountCombo()->clear();
        qCWarning(DKCLOUD_LOG).noquote() << "cannot list the stored logins:" << error;
    });
    connect(m_talker, &Talker::signInPageOpened, this, &ExportWindow::showSignInPage);
    connect(m_talker, &Talker::pasteCodeNeeded, this, [this](const QString& /* the engine's words, for the command line */) {
        loginStepEnded();
        askForPastedCode();
    });
    connect(m_talker, &Talker::loggedIn, this, [this](const QString& account) {
        loginStepEnded();
        m_settings.account = account;
        saveSettings();
        refreshAccount();
    });
    connect(m_talker, &Talker::loginCancelled, this, [this]() {
        loginStepEnded();
        m_ui->statusLabel()->setText(i18nc("@info:status export window", "Login cancelled. Click \"Log in\" to try again."));
    });
    connect(m_talker, &Talker::loginFailed, this, [this](const EngineFailure& failure) {
        loginStepEnded();
        showError(i18nc("@info:status export window", "Cannot log in:"), failure);
    });
    connect(m_talker, &Talker::loggedOut, this, [this](const QString& name) {
        setBusy(false);
        m_settings.account.clear();
        saveSettings();
        showLoggedOut();
        m_ui->folderCombo()->clear();
        m_ui->folderCombo()->addItem(m_settings.folder);
        refreshAccounts();
        m_ui->statusLabel()->setText(i18nc("@info:status export window", "Logged out of %1.", name));
        Q_EMIT loggedOut(name);
    });
    connect(m_talker, &Talker::logoutFailed, this, [this](const EngineFailure& failure) {
        setBusy(false);
        showError(i18nc("@info:status export window", "Cannot log out:"), failure);
    });
    connectFolders();
    connectUpload();
}

void ExportWindow::openSession()
{
    m_loggedIn = false;
    m_talker->openSession(m_settings.registration(), m_settings.account);
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
    m_talker->listAccounts();
}

void ExportWindow::showLoggedOut()
{
    m_loggedIn = false;
    m_ui->accountName()->setText(i18nc("@info export window", "not logged in"));
    m_ui->loginButton()->setText(i18nc("@action:button export window", "&Log in"));
    updateButtons();
}

void ExportWindow::refreshAccount()
{
    if (!m_talker->hasSession())
        return;
    setBusy(true);
    m_ui->statusLabel()->setText(i18nc("@info:status export window", "Connecting to %1...", serviceInfo(m_service).name));
    m_talker->refreshAccount();
}

void ExportWindow::showAccount(const QString& name)
{
    m_loggedIn = true;
    m_ui->accountName()->setText(name);
    m_ui->loginButton()->setText(i18nc("@action:button export window", "Change &Account"));
    m_ui->statusLabel()->clear();
    refreshAccounts();
    updateButtons();
    Q_EMIT accountChanged(name);
    reloadFolders();
}

void ExportWindow::logIn()
{
    if (!m_talker->hasSession())
        return;
    // While the browser waits, the same button cancels the login.
    if (m_loggingIn)
    {
        m_talker->cancelLogin();
        return;
    }
    setBusy(true);
    m_loggingIn = true;
    m_ui->loginButton()->setText(i18nc("@action:button export window", "&Cancel Login"));
    m_ui->statusLabel()->setText(i18nc("@info:status export window", "Opening the sign-in page..."));
    // "Change Account": a new login adds or switches the account.
    m_talker->logIn();
}

void ExportWindow::loginStepEnded()
{
    m_loggingIn = false;
    m_ui->loginButton()->setText(m_loggedIn ? i18nc("@action:button export window", "Change &Account") : i18nc("@action:button export window", "&Log in"));
    setBusy(false);
}

void ExportWindow::showSignInPage(const QString& url, bool opened)
{
    qCInfo(DKCLOUD_LOG).noquote() << (opened ? "the sign-in page is open in the browser:"
                                             : "no browser could be started; the sign-in page:")
                                  << url;
    m_ui->statusLabel()->setText(signInWaitingHtml(m_service, url, opened, m_talker->registrationOrigin(),
                                                   m_talker->redirectUri(), FrontEnd::ExportWindow));
    Q_EMIT signInPageOpened(url, opened);
}

void ExportWindow::askForPastedCode()
{
    // The loopback port was taken: the browser shows a code instead.
    Q_EMIT pasteCodeRequested();
    bool ok            = false;
    const QString code = QInputDialog::getText(this, i18nc("@title:window export window", "Finish Logging In"), pasteInstructions(m_service), QLineEdit::Normal,
                                               QString(), &ok).trimmed();
    if (!ok || code.isEmpty())
    {
        m_ui->statusLabel()->setText(i18nc("@info:status export window", "Login cancelled. Click \"Log in\" to try again."));
        return;
    }
    setBusy(true);
    m_talker->finishLogin(code);
}

void ExportWindow::logOut()
{
    if (!m_talker->hasSession() || !m_loggedIn)
        return;
    const QString name = m_ui->accountName()->text();
    const auto answer  = QMessageBox::question(
        this, i18nc("@title:window export window", "Log out"),
        i18nc("@info export window", "Log out of %1 as %2? dkcloud forgets this login on this computer; you can log in again at any time.", serviceInfo(m_service).name, name));
    if (answer != QMessageBox::Yes)
        return;
    setBusy(true);
    m_talker->logOut();
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
