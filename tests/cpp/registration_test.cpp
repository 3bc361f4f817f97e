// App registrations in the export window, offscreen, against a
// dkcloud-emulator that holds apps to their registration (--registrations):
// the assistant behind "App Registration..." (portal, values copied exactly,
// the id's form checked as typed, Test saving the id and asking the service),
// refusals worded for the window and for the queue tool (the setting to
// change, whose problem a built-in registration is, the service's words
// escaped), "Log in again" after a missing permission, and what the window
// says while the browser sign-in waits.
#include "emulator_process.h"
#include "url_catcher.h"
#include "exportsettings.h"
#include "exportwindow.h"
#include "registrationassistant.h"
#include "registrationwording.h"

#include <KConfigGroup>
#include <KSharedConfig>

#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace DkCloud;

namespace
{

// The apps the emulator knows. OneDrive: one registered as dkcloud needs.
// Dropbox: one without sharing.write, one whose redirect URI is another.
const QString knownOneDrive    = QStringLiteral("11111111-2222-3333-4444-555555555555");
const QString unknownOneDrive  = QStringLiteral("99999999-8888-7777-6666-555555555555");
const QString noSharingDropbox = QStringLiteral("dkcloudnoshare1");
const QString otherUriDropbox  = QStringLiteral("dkcloudotheruri1");

QByteArray registrations(int dropboxPort)
{
    const QByteArray uri = "http://localhost:" + QByteArray::number(dropboxPort) + "/";
    return "[[onedrive]]\n"
           "client_id = \"" + knownOneDrive.toUtf8() + "\"\n"
           "redirect_uris = [\"http://localhost\"]\n"
           "audience = \"both\"\n"
           "permissions = [\"Files.ReadWrite\", \"User.Read\", \"offline_access\"]\n\n"
           "[[dropbox]]\n"
           "app_key = \"" + noSharingDropbox.toUtf8() + "\"\n"
           "redirect_uris = [\"" + uri + "\"]\n"
           "permissions = [\"account_info.read\", \"files.metadata.read\", \"files.metadata.write\", "
           "\"files.content.read\", \"files.content.write\", \"sharing.read\"]\n\n"
           "[[dropbox]]\n"
           "app_key = \"" + otherUriDropbox.toUtf8() + "\"\n"
           "redirect_uris = [\"http://localhost:1/elsewhere\"]\n"
           "permissions = [\"account_info.read\", \"files.metadata.read\", \"files.metadata.write\", "
           "\"files.content.read\", \"files.content.write\", \"sharing.read\", \"sharing.write\"]\n";
}

// The window's App Registration set to `id` for a scope; empty again after it.
class ScopedRegistration
{
public:
    ScopedRegistration(ServiceId service, const QString& id)
        : m_service(service)
    {
        set(id);
    }
    ~ScopedRegistration() { set(QString()); }
    ScopedRegistration(const ScopedRegistration&)            = delete;
    ScopedRegistration& operator=(const ScopedRegistration&) = delete;

private:
    void set(const QString& id) const
    {
        ExportSettings settings = ExportSettings::load(m_service);
        settings.clientId       = id;
        settings.save(m_service);
    }

    ServiceId m_service;
};

} // namespace

class RegistrationTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void theAssistantShowsTheStepsAndCopiesTheExactValues();
    void aMalformedIdIsRefusedAsItIsTyped();
    void testSavesTheIdAndReportsAnUnknownApp();
    void testSaysOneDriveKnowsARegisteredApp();
    void dropboxRedirectAndPermissionRefusalsNameTheSetting();
    void theWindowOpensTheAssistantAndSavesWhatTestSaved();
    void aRefusedLoginNamesTheSettingAndEscapesTheServiceWords();
    void aMissingPermissionOffersToLogInAgain();
    void aBuiltInRegistrationIsTheBuildsProblem();
    void theQueueToolNamesItsOwnButtons();
    void withoutAnyRegistrationTheWindowOffersTheAssistant();
    void whileTheBrowserWaitsTheWindowSaysWhatAnErrorMeans();

private:
    void shot(QWidget& widget, const QString& name);
    // Shows the window and waits until it found no login and offers Log in.
    void showNotLoggedIn(ExportWindow& window);
    // Clicks Log in and waits for the service's refusal; the status then.
    QString refusedLogin(ExportWindow& window);
    // Opens the assistant through the window's App Registration... and runs `drive` on it.
    void withAssistant(ExportWindow& window, const std::function<void(RegistrationAssistant&)>& drive);

    QTemporaryDir                    m_dir;
    std::unique_ptr<EmulatorProcess> m_emulator;
    QString                          m_artifacts;
    int                              m_dropboxPort = 0;
};

void RegistrationTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QByteArray emulator = qgetenv("DKCLOUD_TEST_EMULATOR");
    QVERIFY2(!emulator.isEmpty(), "set DKCLOUD_TEST_EMULATOR to target/debug/dkcloud-emulator");
    const QString config = m_dir.filePath(QStringLiteral("dkcloud"));
    QVERIFY(useFreeDropboxPort(config.toStdString()));
    QFile toml(config + QStringLiteral("/config.toml"));
    QVERIFY(toml.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(toml.readAll());
    const QRegularExpression port(QStringLiteral("redirect_port\\s*=\\s*(\\d+)"));
    m_dropboxPort = port.match(text).captured(1).toInt();
    QVERIFY2(m_dropboxPort > 0, qPrintable(text));
    const QString file = m_dir.filePath(QStringLiteral("registrations.toml"));
    QFile apps(file);
    QVERIFY(apps.open(QIODevice::WriteOnly));
    apps.write(registrations(m_dropboxPort));
    apps.close();
    m_emulator = std::make_unique<EmulatorProcess>(emulator.toStdString(),
                                                   std::vector<std::string>{"--registrations", file.toStdString()});
    QVERIFY(m_emulator->ok());
    qputenv("DKCLOUD_EMULATOR", QByteArray::fromStdString(m_emulator->url()));
    qputenv("DKCLOUD_CONFIG_DIR", config.toUtf8());
    qputenv("DKCLOUD_TOKEN_STORE", "file");
    qputenv("XDG_STATE_HOME", m_dir.filePath(QStringLiteral("state")).toUtf8());
    qputenv("BROWSER", "curl -s -L -o /dev/null");
    qunsetenv("DKCLOUD_ONEDRIVE_CLIENT_ID");
    qunsetenv("DKCLOUD_DROPBOX_CLIENT_ID");
    const QString rc = m_dir.filePath(QStringLiteral("digikamrc"));
    QFile host(rc);
    QVERIFY(host.open(QIODevice::WriteOnly));
    host.write("[General Settings]\nVersion=7.9.0\n");
    host.close();
    KConfig::setMainConfigName(rc);
    m_artifacts = qEnvironmentVariable("DKCLOUD_TEST_ARTIFACTS", m_dir.path());
}

void RegistrationTest::cleanupTestCase()
{
    m_emulator.reset();
}

void RegistrationTest::shot(QWidget& widget, const QString& name)
{
    QTest::qWait(200);
    widget.grab().save(m_artifacts + QLatin1Char('/') + name);
}

void RegistrationTest::showNotLoggedIn(ExportWindow& window)
{
    QSignalSpy failed(&window, &ExportWindow::accountFailed);
    window.show();
    QVERIFY(failed.count() == 1 || failed.wait(15000));
    QTRY_VERIFY_WITH_TIMEOUT(window.loginButton()->isEnabled(), 5000);
}

QString RegistrationTest::refusedLogin(ExportWindow& window)
{
    QTest::mouseClick(window.loginButton(), Qt::LeftButton);
    const auto refused = [&window]() { return window.statusLabel()->text().contains(QStringLiteral("refused the app registration")); };
    for (int i = 0; i < 150 && !refused(); ++i)
        QTest::qWait(100);
    return window.statusLabel()->text();
}

void RegistrationTest::withAssistant(ExportWindow& window, const std::function<void(RegistrationAssistant&)>& drive)
{
    bool driven = false;
    auto connection = connect(&window, &ExportWindow::registrationAssistantOpened, this, [&](QDialog* dialog) {
        // Runs once the assistant's own event loop turns.
        QTimer::singleShot(0, dialog, [&, dialog]() {
            drive(*qobject_cast<RegistrationAssistant*>(dialog));
            driven = true;
        });
    });
    QTest::mouseClick(window.findChild<QPushButton*>(QStringLiteral("registrationButton")), Qt::LeftButton);
    disconnect(connection);
    QVERIFY(driven);
}

void RegistrationTest::theAssistantShowsTheStepsAndCopiesTheExactValues()
{
    for (ServiceId service : {ServiceId::OneDrive, ServiceId::Dropbox})
    {
        RegistrationAssistant assistant(service, ExportSettings{});
        assistant.show();
        const ffi::SetupInfo& setup = assistant.setup();
        QVERIFY(!setup.has_built_in);
        const QString redirect = toQString(setup.redirect_uri);
        QCOMPARE(redirect, service == ServiceId::OneDrive ? QStringLiteral("http://localhost")
                                                          : QStringLiteral("http://localhost:%1/").arg(m_dropboxPort));
        QStringList permissions;
        for (const auto& p : setup.permissions)
            permissions << toQString(p);
        QVERIFY2(permissions.contains(service == ServiceId::OneDrive ? QStringLiteral("offline_access")
                                                                     : QStringLiteral("sharing.write")),
                 qPrintable(permissions.join(QLatin1Char(' '))));

        const auto copied = [&assistant](const QString& what) {
            auto* button = assistant.findChild<QPushButton*>(QStringLiteral("copy%1Button").arg(what));
            if (!button)
                return QStringLiteral("(no Copy button for %1)").arg(what);
            QApplication::clipboard()->clear();
            QTest::mouseClick(button, Qt::LeftButton);
            return QApplication::clipboard()->text();
        };
        QCOMPARE(copied(QStringLiteral("RedirectUri")), redirect);
        QCOMPARE(copied(QStringLiteral("Permissions")), permissions.join(QLatin1Char(' ')));
        if (service == ServiceId::OneDrive)
        {
            QCOMPARE(copied(QStringLiteral("AccountTypes")),
                     QStringLiteral("Accounts in any organizational directory and personal Microsoft accounts"));
            QCOMPARE(copied(QStringLiteral("Platform")), QStringLiteral("Public client/native (mobile & desktop)"));
        }

        // The portal goes to the browser (caught here: no network in tests).
        UrlCatcher catcher;
        QDesktopServices::setUrlHandler(QStringLiteral("https"), &catcher, "open");
        QTest::mouseClick(assistant.findChild<QPushButton*>(QStringLiteral("openPortalButton")), Qt::LeftButton);
        QDesktopServices::unsetUrlHandler(QStringLiteral("https"));
        QCOMPARE(catcher.opened.size(), 1);
        QCOMPARE(catcher.opened.first().toString(), toQString(setup.portal_url));
        const QString intro = assistant.findChild<QLabel*>(QStringLiteral("introLabel"))->text();
        QVERIFY2(intro.contains(QStringLiteral("needs an app registered")), qPrintable(intro));
        shot(assistant, service == ServiceId::OneDrive ? QStringLiteral("registration_assistant_onedrive.png")
                                                       : QStringLiteral("registration_assistant_dropbox.png"));
    }
}

void RegistrationTest::aMalformedIdIsRefusedAsItIsTyped()
{
    RegistrationAssistant onedrive(ServiceId::OneDrive, ExportSettings{});
    onedrive.show();
    QVERIFY(onedrive.testButton()->isEnabled());
    QTest::keyClicks(onedrive.clientIdEdit(), QStringLiteral("not-a-guid"));
    QVERIFY2(onedrive.formatLabel()->text().contains(QStringLiteral("not an Application (client) ID")),
             qPrintable(onedrive.formatLabel()->text()));
    QVERIFY(!onedrive.testButton()->isEnabled());
    QVERIFY(!onedrive.saveButton()->isEnabled());
    shot(onedrive, QStringLiteral("registration_assistant_malformed_id.png"));
    onedrive.clientIdEdit()->setText(knownOneDrive);
    QCOMPARE(onedrive.formatLabel()->text(), QStringLiteral("This looks like an Application (client) ID."));
    QVERIFY(onedrive.testButton()->isEnabled() && onedrive.saveButton()->isEnabled());

    RegistrationAssistant dropbox(ServiceId::Dropbox, ExportSettings{});
    QTest::keyClicks(dropbox.clientIdEdit(), QStringLiteral("Has Spaces And CAPS"));
    QVERIFY2(dropbox.formatLabel()->text().contains(QStringLiteral("not an app key")),
             qPrintable(dropbox.formatLabel()->text()));
    QVERIFY(!dropbox.testButton()->isEnabled());
    dropbox.clientIdEdit()->setText(noSharingDropbox);
    QVERIFY(dropbox.testButton()->isEnabled());
}

void RegistrationTest::testSavesTheIdAndReportsAnUnknownApp()
{
    RegistrationAssistant assistant(ServiceId::OneDrive, ExportSettings{});
    assistant.show();
    QSignalSpy saved(&assistant, &RegistrationAssistant::saveRequested);
    QSignalSpy checked(&assistant, &RegistrationAssistant::checked);
    assistant.clientIdEdit()->setText(unknownOneDrive);
    QTest::mouseClick(assistant.testButton(), Qt::LeftButton);
    QCOMPARE(saved.count(), 1);
    QVERIFY(!assistant.testButton()->isEnabled());
    QVERIFY2(checked.wait(15000), qPrintable(assistant.resultLabel()->text()));
    QCOMPARE(checked.first().at(0).toBool(), false);
    const QString result = assistant.resultLabel()->text();
    QVERIFY2(result.contains(QStringLiteral("Microsoft knows no app with this Application (client) ID")) &&
                 result.contains(QStringLiteral("Overview page")) && result.contains(QStringLiteral("AADSTS700016")),
             qPrintable(result));
    QCOMPARE(assistant.resultLabel()->textFormat(), Qt::PlainText);
    QVERIFY(assistant.testButton()->isEnabled());
    shot(assistant, QStringLiteral("registration_assistant_unknown_app.png"));
}

void RegistrationTest::testSaysOneDriveKnowsARegisteredApp()
{
    RegistrationAssistant assistant(ServiceId::OneDrive, ExportSettings{});
    QSignalSpy checked(&assistant, &RegistrationAssistant::checked);
    assistant.clientIdEdit()->setText(knownOneDrive);
    QTest::mouseClick(assistant.testButton(), Qt::LeftButton);
    QVERIFY2(checked.wait(15000), qPrintable(assistant.resultLabel()->text()));
    QVERIFY2(checked.first().at(0).toBool(), qPrintable(assistant.resultLabel()->text()));
    QCOMPARE(assistant.resultLabel()->text(), QStringLiteral("OneDrive knows the app."));
}

void RegistrationTest::dropboxRedirectAndPermissionRefusalsNameTheSetting()
{
    const auto test = [](const QString& key) {
        RegistrationAssistant assistant(ServiceId::Dropbox, ExportSettings{});
        QSignalSpy checked(&assistant, &RegistrationAssistant::checked);
        assistant.clientIdEdit()->setText(key);
        QTest::mouseClick(assistant.testButton(), Qt::LeftButton);
        if (!checked.wait(15000))
            return QStringLiteral("(no answer) ") + assistant.resultLabel()->text();
        return checked.first().at(1).toString();
    };
    const QString uri = test(otherUriDropbox);
    QVERIFY2(uri.contains(QStringLiteral("Redirect URIs, add http://localhost:%1/ exactly").arg(m_dropboxPort)),
             qPrintable(uri));
    const QString permission = test(noSharingDropbox);
    QVERIFY2(permission.contains(QStringLiteral("lacks the permission sharing.write")) &&
                 permission.contains(QStringLiteral("Permissions tab")) &&
                 permission.contains(QStringLiteral("Log in again")),
             qPrintable(permission));
    const QString unknown = test(QStringLiteral("nosuchappkey123"));
    QVERIFY2(unknown.contains(QStringLiteral("Dropbox knows no app with this app key")), qPrintable(unknown));
}

void RegistrationTest::theWindowOpensTheAssistantAndSavesWhatTestSaved()
{
    ScopedRegistration none(ServiceId::OneDrive, QString());
    ExportWindow window(ServiceId::OneDrive, {});
    showNotLoggedIn(window);
    withAssistant(window, [this](RegistrationAssistant& assistant) {
        QSignalSpy checked(&assistant, &RegistrationAssistant::checked);
        assistant.clientIdEdit()->setText(knownOneDrive);
        QTest::mouseClick(assistant.testButton(), Qt::LeftButton);
        QVERIFY(checked.wait(15000));
        // Test saved it already, before the assistant closes.
        KSharedConfig::openConfig()->reparseConfiguration();
        QCOMPARE(KSharedConfig::openConfig()->group(QStringLiteral("dkcloud OneDrive Settings")).readEntry("Client Id", QString()),
                 knownOneDrive);
        shot(assistant, QStringLiteral("registration_assistant_known.png"));
        assistant.reject();
    });
    QCOMPARE(ExportSettings::load(ServiceId::OneDrive).clientId, knownOneDrive);
}

void RegistrationTest::aRefusedLoginNamesTheSettingAndEscapesTheServiceWords()
{
    ScopedRegistration unknown(ServiceId::OneDrive, unknownOneDrive);
    ExportWindow window(ServiceId::OneDrive, {});
    showNotLoggedIn(window);
    QSignalSpy page(&window, &ExportWindow::signInPageOpened);
    const QString status = refusedLogin(window);
    // Refused before any browser opened, and well within the login's own timeout.
    QCOMPARE(page.count(), 0);
    QVERIFY2(status.contains(QStringLiteral("Microsoft knows no app with this Application (client) ID")) &&
                 status.contains(QStringLiteral("OneDrive said:")),
             qPrintable(status));
    QVERIFY2(!status.contains(QStringLiteral("built into")), qPrintable(status));
    QTRY_COMPARE(window.loginButton()->text(), QStringLiteral("&Log in"));
    shot(window, QStringLiteral("dialog_onedrive_registration_refused.png"));
}

void RegistrationTest::aMissingPermissionOffersToLogInAgain()
{
    ScopedRegistration noSharing(ServiceId::Dropbox, noSharingDropbox);
    ExportWindow window(ServiceId::Dropbox, {});
    showNotLoggedIn(window);
    const QString status = refusedLogin(window);
    // The service's words (quotes and all) are text in the rich-text label, never markup.
    QVERIFY2(status.contains(QStringLiteral("tick sharing.write and press Submit")) &&
                 status.contains(QStringLiteral("click &quot;Log in again&quot;")) &&
                 status.contains(QStringLiteral("Dropbox said: ")) &&
                 status.contains(QStringLiteral("Invalid scope: &quot;sharing.write&quot;")),
             qPrintable(status));
    QCOMPARE(window.loginButton()->text(), QStringLiteral("Log in &again"));
    QVERIFY(window.loginButton()->isEnabled());
    shot(window, QStringLiteral("dialog_dropbox_missing_permission.png"));
}

void RegistrationTest::aBuiltInRegistrationIsTheBuildsProblem()
{
    // This test build has none built in: the issue is the bridge's, made here.
    ffi::RegistrationIssue issue;
    issue.problem  = "redirect_not_registered";
    issue.value    = "http://localhost";
    issue.built_in = true;
    issue.said     = "AADSTS50011";
    const QString window = explainRegistration(ServiceId::OneDrive, issue, FrontEnd::ExportWindow);
    QVERIFY2(window.contains(QStringLiteral("built into this dkcloud")) &&
                 window.contains(QStringLiteral("not of your account")) &&
                 window.contains(QStringLiteral("click \"App Registration...\"")) &&
                 window.contains(QStringLiteral("Mobile and desktop applications")),
             qPrintable(window));
    QVERIFY2(!window.contains(QStringLiteral("Log in again")), qPrintable(window));
    const QString waiting = signInTroubleText(ServiceId::OneDrive, QStringLiteral("built_in"),
                                              QStringLiteral("http://localhost"), FrontEnd::ExportWindow);
    QVERIFY2(waiting.contains(QStringLiteral("built into this dkcloud")), qPrintable(waiting));
}

void RegistrationTest::theQueueToolNamesItsOwnButtons()
{
    ffi::RegistrationIssue issue;
    issue.problem = "missing_permission";
    issue.value   = "sharing.write";
    const QString own = explainRegistration(ServiceId::Dropbox, issue, FrontEnd::QueueTool);
    QVERIFY2(own.contains(QStringLiteral("\"Log In...\" in the upload tool's settings")) &&
                 own.contains(QStringLiteral("tick sharing.write")),
             qPrintable(own));
    issue.built_in = true;
    const QString builtIn = explainRegistration(ServiceId::Dropbox, issue, FrontEnd::QueueTool);
    QVERIFY2(builtIn.contains(QStringLiteral("Export > Export to Dropbox... and click \"App Registration...\"")),
             qPrintable(builtIn));
    EngineFailure failure;
    failure.kind  = ffi::ErrorKind::RegistrationRefused;
    failure.issue = issue;
    QCOMPARE(explainError(ServiceId::Dropbox, failure, FrontEnd::QueueTool), builtIn);
}

void RegistrationTest::withoutAnyRegistrationTheWindowOffersTheAssistant()
{
    // The real services (no emulator), no registration anywhere, none built in.
    const QByteArray emulator = qgetenv("DKCLOUD_EMULATOR");
    qunsetenv("DKCLOUD_EMULATOR");
    ExportWindow window(ServiceId::Dropbox, {});
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(window.statusLabel()->text().contains(QStringLiteral("Not logged in")), 15000);
    const QString status = window.statusLabel()->text();
    QVERIFY2(status.contains(QStringLiteral("no Dropbox app registration yet")) &&
                 status.contains(QStringLiteral("App Registration...")),
             qPrintable(status));
    shot(window, QStringLiteral("dialog_dropbox_no_registration.png"));
    withAssistant(window, [](RegistrationAssistant& assistant) {
        const QString intro = assistant.findChild<QLabel*>(QStringLiteral("introLabel"))->text();
        QVERIFY2(intro.contains(QStringLiteral("needs an app registered with Dropbox")), qPrintable(intro));
        assistant.reject();
    });
    qputenv("DKCLOUD_EMULATOR", emulator);
}

void RegistrationTest::whileTheBrowserWaitsTheWindowSaysWhatAnErrorMeans()
{
    // A browser that never comes back: the window waits, says what an error
    // page would mean, and its Log in button cancels.
    ScopedRegistration known(ServiceId::OneDrive, knownOneDrive);
    qputenv("BROWSER", "true");
    ExportWindow window(ServiceId::OneDrive, {});
    showNotLoggedIn(window);
    QSignalSpy page(&window, &ExportWindow::signInPageOpened);
    QTest::mouseClick(window.loginButton(), Qt::LeftButton);
    QVERIFY(page.wait(15000));
    const QString status = window.statusLabel()->text();
    QVERIFY2(status.contains(QStringLiteral("Finish signing in in your web browser...")) &&
                 status.contains(QStringLiteral("AADSTS50011 means the redirect URI http://localhost is not registered")),
             qPrintable(status));
    QCOMPARE(window.loginButton()->text(), QStringLiteral("&Cancel Login"));
    QVERIFY(window.loginButton()->isEnabled());
    shot(window, QStringLiteral("dialog_onedrive_waiting_for_sign_in.png"));
    QTest::mouseClick(window.loginButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(window.statusLabel()->text().contains(QStringLiteral("Login cancelled")), 10000);
    QCOMPARE(window.loginButton()->text(), QStringLiteral("&Log in"));
    qputenv("BROWSER", "curl -s -L -o /dev/null");
}

QTEST_MAIN(RegistrationTest)
#include "registration_test.moc"
