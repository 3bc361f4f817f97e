// The talker on its own, as the window and the BQM tool use it, against the
// emulator (its real OAuth flow, curl as the browser): opening a session, who
// is logged in, a browser sign-in with the session and with a session of its
// own, the stored logins, the folders and a new one, an upload job and its
// events (stored bytes read back), a resume it refuses, logging out and what
// then fails. Every call ends in one of its two signals.
#include "emulator_env.h"
#include "exportsettings.h"
#include "talker.h"

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <map>
#include <memory>

using namespace DkCloud;

class TalkerTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void aSessionWithoutLoginKnowsNoAccount();
    void signsInWithItsSessionAndKnowsTheAccount();
    void signsInWithASessionOfItsOwn();
    void aLaterBackgroundOpenSupersedesAnEarlierOne();
    void listsTheFoldersAndCreatesOne();
    void uploadsAndSaysWhatBecameOfEachPhoto();
    void aJobItDoesNotKnowIsRefused();
    void afterLoggingOutTheFoldersFail();

private:
    // A talker with a session open for `account` (empty: none yet).
    std::unique_ptr<Talker> openTalker(ServiceId service, const QString& account);
    // A file of the emulator's OneDrive, read back through Graph (empty if none).
    QByteArray stored(const QString& remotePath);

    QTemporaryDir                    m_dir;
    std::unique_ptr<EmulatorProcess> m_emulator;
    QString                          m_account;
};

void TalkerTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString emulator = qEnvironmentVariable("DKCLOUD_TEST_EMULATOR");
    QVERIFY2(!emulator.isEmpty(), "set DKCLOUD_TEST_EMULATOR to target/debug/dkcloud-emulator");
    // The static token only lets the test read stored files back.
    m_emulator = std::make_unique<EmulatorProcess>(emulator.toStdString(),
                                                   std::vector<std::string>{"--static-token", "talker-test-token"});
    QVERIFY(m_emulator->ok());
    useTestEmulator(*m_emulator, m_dir);
    QVERIFY(useFreeDropboxPort(qEnvironmentVariable("DKCLOUD_CONFIG_DIR").toStdString()));
}

std::unique_ptr<Talker> TalkerTest::openTalker(ServiceId service, const QString& account)
{
    auto talker = std::make_unique<Talker>(service);
    QSignalSpy opened(talker.get(), &Talker::sessionOpened);
    QSignalSpy failed(talker.get(), &Talker::sessionFailed);
    talker->openSession(ExportSettings::load(service).registration(), account);
    // At once, before openSession returns.
    if (opened.count() != 1 || !failed.isEmpty() || !talker->hasSession())
        return nullptr;
    return talker;
}

void TalkerTest::aSessionWithoutLoginKnowsNoAccount()
{
    auto talker = openTalker(ServiceId::OneDrive, QString());
    QVERIFY(talker);
    QVERIFY(!talker->registrationOrigin().isEmpty());
    QSignalSpy known(talker.get(), &Talker::accountKnown);
    QSignalSpy failed(talker.get(), &Talker::accountFailed);
    talker->refreshAccount();
    QVERIFY(failed.wait(20000));
    QVERIFY(known.isEmpty());
    QCOMPARE(failed.first().first().value<EngineFailure>().kind, ffi::ErrorKind::NotLoggedIn);

    QSignalSpy listed(talker.get(), &Talker::accountsListed);
    talker->listAccounts();
    QVERIFY(listed.wait(20000));
    QVERIFY(listed.first().first().toStringList().isEmpty());
}

void TalkerTest::signsInWithItsSessionAndKnowsTheAccount()
{
    auto talker = openTalker(ServiceId::OneDrive, QString());
    QVERIFY(talker);
    QSignalSpy page(talker.get(), &Talker::signInPageOpened);
    QSignalSpy loggedIn(talker.get(), &Talker::loggedIn);
    QSignalSpy failed(talker.get(), &Talker::loginFailed);
    talker->logIn();
    QVERIFY(talker->isLoggingIn());
    QVERIFY2(loggedIn.wait(30000), failed.isEmpty() ? "no end" : qPrintable(failed.first().first().value<EngineFailure>().error));
    QVERIFY(!talker->isLoggingIn());
    QCOMPARE(page.count(), 1);
    QVERIFY(page.first().at(0).toString().startsWith(QLatin1String("http")));
    QCOMPARE(page.first().at(1).toBool(), true);
    m_account = loggedIn.first().first().toString();
    QVERIFY(!m_account.isEmpty());

    // The same session now speaks for the new account.
    QSignalSpy known(talker.get(), &Talker::accountKnown);
    talker->refreshAccount();
    QVERIFY(known.wait(20000));
    QCOMPARE(known.first().first().toString(), m_account);

    QSignalSpy listed(talker.get(), &Talker::accountsListed);
    talker->listAccounts();
    QVERIFY(listed.wait(20000));
    QCOMPARE(listed.first().first().toStringList(), QStringList{m_account});
}

void TalkerTest::signsInWithASessionOfItsOwn()
{
    // As the BQM tool does: no session open yet, the sign-in opens its own.
    Talker talker(ServiceId::Dropbox);
    QSignalSpy loggedIn(&talker, &Talker::loggedIn);
    QSignalSpy failed(&talker, &Talker::loginFailed);
    talker.logInWithNewSession(ExportSettings::load(ServiceId::Dropbox).registration());
    QVERIFY2(loggedIn.wait(30000), failed.isEmpty() ? "no end" : qPrintable(failed.first().first().value<EngineFailure>().error));
    QVERIFY(!loggedIn.first().first().toString().isEmpty());
    QVERIFY(!talker.hasSession());
}

void TalkerTest::aLaterBackgroundOpenSupersedesAnEarlierOne()
{
    Talker talker(ServiceId::OneDrive);
    QSignalSpy opened(&talker, &Talker::sessionOpened);
    const ffi::AppRegistration registration = ExportSettings::load(ServiceId::OneDrive).registration();
    talker.openSessionInBackground(registration, QStringLiteral("someone-else"));
    talker.openSessionInBackground(registration, m_account);
    QVERIFY(!talker.hasSession());
    QVERIFY(opened.wait(20000));
    QTest::qWait(300);
    QCOMPARE(opened.count(), 1);
    QCOMPARE(opened.first().first().toString(), m_account);
    QVERIFY(talker.hasSession());
}

void TalkerTest::listsTheFoldersAndCreatesOne()
{
    auto talker = openTalker(ServiceId::OneDrive, m_account);
    QVERIFY(talker);
    QSignalSpy created(talker.get(), &Talker::folderCreated);
    QSignalSpy createFailed(talker.get(), &Talker::folderFailed);
    talker->createFolder(QStringLiteral("/Talker/Trip"));
    QVERIFY(created.wait(20000));
    QVERIFY(createFailed.isEmpty());
    QCOMPARE(created.first().first().toString(), QStringLiteral("/Talker/Trip"));

    QSignalSpy listed(talker.get(), &Talker::foldersListed);
    QSignalSpy listFailed(talker.get(), &Talker::foldersFailed);
    talker->listFolders();
    QVERIFY(listed.wait(20000));
    QVERIFY(listFailed.isEmpty());
    QVERIFY2(listed.first().first().toStringList().contains(QStringLiteral("/Talker/Trip")),
             qPrintable(listed.first().first().toStringList().join(QLatin1Char(','))));
}

QByteArray TalkerTest::stored(const QString& remotePath)
{
    QProcess curl;
    curl.start(QStringLiteral("curl"),
               {QStringLiteral("-sfL"), QStringLiteral("-H"), QStringLiteral("Authorization: Bearer talker-test-token"),
                QString::fromStdString(m_emulator->url()) +
                    QStringLiteral("/v1.0/me/drive/root:%1:/content")
                        .arg(QString::fromLatin1(QUrl::toPercentEncoding(remotePath, "/")))});
    if (!curl.waitForFinished(20000) || curl.exitCode() != 0)
        return QByteArray();
    return curl.readAllStandardOutput();
}

void TalkerTest::uploadsAndSaysWhatBecameOfEachPhoto()
{
    auto talker = openTalker(ServiceId::OneDrive, m_account);
    QVERIFY(talker);
    QVERIFY(m_dir.path().size() > 0);
    const QByteArray dune  = QByteArray("dune ").repeated(300000); // 1.5 MB: more than one request
    const QByteArray shell = QByteArray("shell").repeated(1000);
    QList<QUrl>      files;
    for (const auto& [name, bytes] : std::map<QString, QByteArray>{{QStringLiteral("dune.jpg"), dune},
                                                                   {QStringLiteral("shell.jpg"), shell}})
    {
        QFile file(m_dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(bytes), bytes.size());
        files << QUrl::fromLocalFile(file.fileName());
    }

    std::vector<ffi::FileEvent>     ends;
    std::optional<ffi::JobSummary>  summary;
    int                             progressed = 0;
    QSignalSpy                      started(talker.get(), &Talker::uploadStarted);
    QSignalSpy                      refused(talker.get(), &Talker::uploadRefused);
    connect(talker.get(), &Talker::fileChanged, this, [&](const ffi::FileEvent& event) {
        if (event.state != ffi::FileState::Uploading)
            ends.push_back(event);
    });
    connect(talker.get(), &Talker::uploadProgress, this, [&](const ffi::JobProgress&) { ++progressed; });
    connect(talker.get(), &Talker::uploadFinished, this, [&](const ffi::JobSummary& ended) {
        QVERIFY(!talker->isUploading());
        summary = ended;
    });
    ffi::UploadOptions options{false, 85, 2048, true, toRust(QStringLiteral("talker-test"))};
    talker->startUpload(files, QStringLiteral("/Talker/Beach"), options, QStringLiteral("skip"));
    // Started (or refused) before startUpload returns.
    QCOMPARE(started.count(), 1);
    QVERIFY(refused.isEmpty());
    QVERIFY(talker->isUploading());
    QTRY_VERIFY_WITH_TIMEOUT(summary.has_value(), 60000);

    QCOMPARE(summary->files_uploaded, size_t(2));
    QCOMPARE(summary->files_failed, size_t(0));
    QVERIFY(!summary->cancelled);
    QCOMPARE(toQString(summary->folder), QStringLiteral("/Talker/Beach"));
    QVERIFY(progressed > 0);
    QCOMPARE(ends.size(), size_t(2));
    for (const ffi::FileEvent& end : ends)
        QCOMPARE(end.state, ffi::FileState::Uploaded);
    QCOMPARE(stored(QStringLiteral("/Talker/Beach/dune.jpg")), dune);
    QCOMPARE(stored(QStringLiteral("/Talker/Beach/shell.jpg")), shell);
}

void TalkerTest::aJobItDoesNotKnowIsRefused()
{
    auto talker = openTalker(ServiceId::OneDrive, m_account);
    QVERIFY(talker);
    QSignalSpy started(talker.get(), &Talker::uploadStarted);
    QSignalSpy refused(talker.get(), &Talker::uploadRefused);
    talker->resumeUpload(QStringLiteral("no-such-job"));
    QCOMPARE(refused.count(), 1);
    QVERIFY(started.isEmpty());
    QVERIFY(!talker->isUploading());
    QVERIFY(!refused.first().first().value<EngineFailure>().error.isEmpty());
}

void TalkerTest::afterLoggingOutTheFoldersFail()
{
    auto talker = openTalker(ServiceId::OneDrive, m_account);
    QVERIFY(talker);
    QSignalSpy loggedOut(talker.get(), &Talker::loggedOut);
    talker->logOut();
    QVERIFY(loggedOut.wait(20000));
    QCOMPARE(loggedOut.first().first().toString(), m_account);

    QSignalSpy failed(talker.get(), &Talker::foldersFailed);
    talker->listFolders();
    QVERIFY(failed.wait(20000));
    QCOMPARE(failed.first().first().value<EngineFailure>().kind, ffi::ErrorKind::NotLoggedIn);
}

QTEST_GUILESS_MAIN(TalkerTest)
#include "talker_test.moc"
