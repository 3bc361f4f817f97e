// The BQM upload tools without digiKam's GUI: a tool logs in through its
// settings widget (the emulator's real OAuth flow, curl as the browser),
// remembers its settings as defaults, and BatchTool::apply() on a clone (as
// BQM's worker runs it) uploads a real file: the stored bytes equal the file,
// the album pattern makes the subfolder, conflicts are told honestly, the
// output is handed on, and a removed folder or an unknown account fail the
// item with a message.
#include "emulator_env.h"
#include "uploadsettingswidget.h"
#include "uploadtool.h"

#include <KConfig>
#include <KConfigGroup>
#include <KSharedConfig>

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <memory>
#include <thread>

using namespace DkCloud;

class BqmToolTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void namesComeFromTheItemAndItsAlbum();
    void settingsWidgetChangesTheToolAndTheDefaults();
    void uploadsTheItemIntoItsAlbumFolder();
    void conflictsAreToldHonestly();
    void keepOutputOffLeavesTheQueueOutputEmpty();
    void aRemovedFolderFailsTheItem();
    void anUnknownAccountFailsTheItem();
    void dropboxToolUploadsToo();
    void theExportWindowsSpeedLimitHoldsForTheQueue();
    // Last: it moves the test to an emulator of its own, capped at 64 KiB/s.
    void cancelStopsTheUploadCleanly();

private:
    void logIn(ServiceId service);
    QString photo(const QString& album, const QString& name, const QByteArray& bytes);
    // Runs a clone of `tool` on `input` as BQM's worker does; the output file's path in `output`.
    bool applyOn(UploadTool& tool, const Digikam::BatchToolSettings& settings, const QString& input, QString* output,
                 QString* error, QString* outcome);
    QByteArray stored(const QString& remotePath);
    Digikam::BatchToolSettings settingsFor(ServiceId service, const QString& folder);

    QTemporaryDir                    m_dir;
    std::unique_ptr<EmulatorProcess> m_emulator;
    QString                          m_account[2];
};

void BqmToolTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qRegisterMetaType<Digikam::BatchToolSettings>("BatchToolSettings");
    const QByteArray emulator = qgetenv("DKCLOUD_TEST_EMULATOR");
    QVERIFY2(!emulator.isEmpty(), "set DKCLOUD_TEST_EMULATOR to target/debug/dkcloud-emulator");
    m_emulator = std::make_unique<EmulatorProcess>(emulator.toStdString(), std::vector<std::string>{"--static-token", "bqm-token"});
    QVERIFY(m_emulator->ok());
    useTestEmulator(*m_emulator, m_dir);
    logIn(ServiceId::OneDrive);
    logIn(ServiceId::Dropbox);
}

void BqmToolTest::logIn(ServiceId service)
{
    if (service == ServiceId::Dropbox)
        QVERIFY(useFreeDropboxPort(qEnvironmentVariable("DKCLOUD_CONFIG_DIR").toStdString()));
    UploadSettingsWidget widget(service);
    QSignalSpy           account(&widget, &UploadSettingsWidget::accountChanged);
    widget.loginButton()->click();
    QVERIFY2(account.wait(30000), qPrintable(widget.statusLabel()->text()));
    m_account[int(service)] = account.first().first().toString();
    QCOMPARE(widget.accountCombo()->currentText(), m_account[int(service)]);
}

QString BqmToolTest::photo(const QString& album, const QString& name, const QByteArray& bytes)
{
    QDir().mkpath(m_dir.filePath(album));
    const QString path = m_dir.filePath(album + QLatin1Char('/') + name);
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
        file.write(bytes);
    return path;
}

Digikam::BatchToolSettings BqmToolTest::settingsFor(ServiceId service, const QString& folder)
{
    BqmSettings s;
    s.account = m_account[int(service)];
    s.folder  = folder;
    return s.toMap();
}

bool BqmToolTest::applyOn(UploadTool& tool, const Digikam::BatchToolSettings& settings, const QString& input,
                          QString* output, QString* error, QString* outcome)
{
    std::unique_ptr<Digikam::BatchTool> clone(tool.clone());
    auto*                               upload = static_cast<UploadTool*>(clone.get());
    QSignalSpy                          finished(upload, &UploadTool::itemFinished);
    clone->setSettings(settings);
    clone->setInputUrl(QUrl::fromLocalFile(input));
    clone->setWorkingUrl(QUrl::fromLocalFile(m_dir.path()));
    clone->setLastChainedTool(true);
    clone->setOutputUrlFromInputUrl();
    *output         = clone->outputUrl().toLocalFile();
    const bool done = clone->apply();
    *error          = clone->errorDescription();
    *outcome        = finished.isEmpty() ? QString() : finished.first().at(1).toString();
    return done;
}

QByteArray BqmToolTest::stored(const QString& remotePath)
{
    const QString target = m_dir.filePath(QStringLiteral("stored.bin"));
    QFile::remove(target);
    const QString url = QString::fromStdString(m_emulator->url()) + QStringLiteral("/v1.0/me/drive/root:%1:/content").arg(QString::fromLatin1(QUrl::toPercentEncoding(remotePath, "/")));
    QProcess::execute(QStringLiteral("curl"), {QStringLiteral("-sfL"), QStringLiteral("-H"),
                                               QStringLiteral("Authorization: Bearer bqm-token"), url,
                                               QStringLiteral("-o"), target});
    QFile file(target);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void BqmToolTest::namesComeFromTheItemAndItsAlbum()
{
    // An earlier tool's temporary file carries the item's name; a conversion its extension.
    const QString temp = QStringLiteral("/work/BatchTool-Ab12Cd-1234abcd.digikamtempfile.png");
    QCOMPARE(remoteNameFor(QStringLiteral("/photos/Trip/IMG_1.JPG"), temp), QStringLiteral("IMG_1.png"));
    QCOMPARE(remoteNameFor(QStringLiteral("/photos/Trip/IMG_1.png"), temp), QStringLiteral("IMG_1.png"));
    QCOMPARE(remoteNameFor(QString(), QStringLiteral("/photos/a.jpg")), QStringLiteral("a.jpg"));

    ItemUploadRequest r;
    r.folder  = QStringLiteral("/Pictures/");
    r.pattern = QStringLiteral("{album}");
    r.album   = QStringLiteral("Paris: day 1?");
    QCOMPARE(targetFolder(r), QStringLiteral("/Pictures/Paris_ day 1_"));
    r.pattern = QStringLiteral("Exports/{album}/web");
    QCOMPARE(targetFolder(r), QStringLiteral("/Pictures/Exports/Paris_ day 1_/web"));
    r.pattern.clear();
    QCOMPARE(targetFolder(r), QStringLiteral("/Pictures"));
    r.folder = QStringLiteral("/");
    QCOMPARE(targetFolder(r), QStringLiteral("/"));
}

void BqmToolTest::settingsWidgetChangesTheToolAndTheDefaults()
{
    UploadTool tool(ServiceId::OneDrive);
    tool.registerSettingsWidget();
    UploadSettingsWidget* widget = tool.uploadSettingsWidget();
    QVERIFY(widget);
    QCOMPARE(widget->objectName(), QStringLiteral("dkcloudUploadSettings"));
    tool.setSettings(settingsFor(ServiceId::OneDrive, QStringLiteral("/")));
    QTRY_COMPARE(widget->accountCombo()->currentText(), m_account[0]);

    // The folder chooser: a new folder is made and chosen.
    QSignalSpy listed(widget, &UploadSettingsWidget::foldersListed);
    QVERIFY(listed.count() > 0 || listed.wait(15000));
    widget->createFolder(QStringLiteral("BQM"));
    QTRY_COMPARE_WITH_TIMEOUT(widget->folderCombo()->currentText(), QStringLiteral("/BQM"), 15000);

    QSignalSpy changed(&tool, &Digikam::BatchTool::signalSettingsChanged);
    widget->findChild<QLineEdit*>(QStringLiteral("folderPatternEdit"))->setText(QStringLiteral("Albums/{album}"));
    auto* conflict = widget->findChild<QComboBox*>(QStringLiteral("conflictCombo"));
    conflict->setCurrentIndex(conflict->findData(QStringLiteral("rename")));
    widget->findChild<QCheckBox*>(QStringLiteral("keepOutputCheck"))->setChecked(false);
    QVERIFY(changed.count() >= 3);
    const BqmSettings now = BqmSettings::fromMap(tool.settings());
    QCOMPARE(now.folder, QStringLiteral("/BQM"));
    QCOMPARE(now.pattern, QStringLiteral("Albums/{album}"));
    QCOMPARE(now.conflict, QStringLiteral("rename"));
    QCOMPARE(now.keepOutput, false);

    // A tool added later starts from what was chosen last.
    KSharedConfig::openConfig()->reparseConfiguration();
    UploadTool       later(ServiceId::OneDrive);
    const BqmSettings defaults = BqmSettings::fromMap(later.defaultSettings());
    QCOMPARE(defaults.account, m_account[0]);
    QCOMPARE(defaults.folder, QStringLiteral("/BQM"));
    QCOMPARE(defaults.pattern, QStringLiteral("Albums/{album}"));
    QCOMPARE(defaults.conflict, QStringLiteral("rename"));
    QCOMPARE(defaults.keepOutput, false);
    delete widget;
}

void BqmToolTest::uploadsTheItemIntoItsAlbumFolder()
{
    UploadTool       tool(ServiceId::OneDrive);
    const QByteArray bytes = QByteArray("first version of the photo ").repeated(5000);
    const QString    input = photo(QStringLiteral("Trip 2026"), QStringLiteral("beach.jpg"), bytes);
    auto             s     = settingsFor(ServiceId::OneDrive, QStringLiteral("/BQM"));
    QString          output, error, outcome;
    QSignalSpy       told(&tool, &UploadTool::itemFinished);
    QVERIFY2(applyOn(tool, s, input, &output, &error, &outcome), qPrintable(error));
    QCOMPARE(outcome, QStringLiteral("uploaded"));
    QCOMPARE(told.count(), 1); // a clone's items are told through the tool it was made from
    QCOMPARE(told.first().at(3).toString(), QStringLiteral("/BQM/Trip 2026/beach.jpg"));
    QVERIFY2(error.contains(QStringLiteral("uploaded")), qPrintable(error));
    QCOMPARE(stored(QStringLiteral("/BQM/Trip 2026/beach.jpg")), bytes);
    QFile out(output);
    QVERIFY(out.open(QIODevice::ReadOnly));
    QCOMPARE(out.readAll(), bytes); // handed on to the queue's target album

    // Again: identical, nothing sent.
    QVERIFY2(applyOn(tool, s, input, &output, &error, &outcome), qPrintable(error));
    QCOMPARE(outcome, QStringLiteral("already-there"));
    QVERIFY2(error.contains(QStringLiteral("identical")), qPrintable(error));
}

void BqmToolTest::conflictsAreToldHonestly()
{
    UploadTool       tool(ServiceId::OneDrive);
    const QByteArray second = QByteArray("an edited photo ").repeated(3000);
    const QString    input  = photo(QStringLiteral("Trip 2026"), QStringLiteral("beach.jpg"), second);
    auto             s      = settingsFor(ServiceId::OneDrive, QStringLiteral("/BQM"));
    QString          output, error, outcome;

    s.insert(QStringLiteral("OnConflict"), QStringLiteral("skip"));
    QVERIFY(!applyOn(tool, s, input, &output, &error, &outcome));
    QCOMPARE(outcome, QStringLiteral("skipped"));
    QVERIFY2(error.contains(QStringLiteral("not uploaded")), qPrintable(error));
    QVERIFY(stored(QStringLiteral("/BQM/Trip 2026/beach.jpg")) != second);

    s.insert(QStringLiteral("OnConflict"), QStringLiteral("rename"));
    QVERIFY2(applyOn(tool, s, input, &output, &error, &outcome), qPrintable(error));
    QCOMPARE(outcome, QStringLiteral("kept-both"));
    QVERIFY2(error.contains(QStringLiteral("kept both")), qPrintable(error));

    s.insert(QStringLiteral("OnConflict"), QStringLiteral("replace"));
    QVERIFY2(applyOn(tool, s, input, &output, &error, &outcome), qPrintable(error));
    QCOMPARE(outcome, QStringLiteral("replaced"));
    QCOMPARE(stored(QStringLiteral("/BQM/Trip 2026/beach.jpg")), second);
}

void BqmToolTest::keepOutputOffLeavesTheQueueOutputEmpty()
{
    UploadTool tool(ServiceId::OneDrive);
    const QString input = photo(QStringLiteral("Garden"), QStringLiteral("rose.png"), QByteArray("rose").repeated(999));
    auto s = settingsFor(ServiceId::OneDrive, QStringLiteral("/BQM"));
    s.insert(QStringLiteral("KeepOutput"), false);
    s.insert(QStringLiteral("FolderPattern"), QString());
    QString output, error, outcome;
    // BQM would list the item as failed ("Failed to create file...") anyway:
    // the tool says first that the upload went through and no file was kept.
    QVERIFY(!applyOn(tool, s, input, &output, &error, &outcome));
    QCOMPARE(outcome, QStringLiteral("uploaded"));
    QVERIFY2(error.startsWith(QStringLiteral("OneDrive: uploaded")) && error.contains(QStringLiteral("no file kept")),
             qPrintable(error));
    QCOMPARE(stored(QStringLiteral("/BQM/rose.png")), QByteArray("rose").repeated(999));
    QCOMPARE(QFileInfo(output).size(), 0);

    // A tool after it (BQM counts it as the last before a custom tool) gets
    // that empty file: nothing is uploaded, and the item says why.
    QVERIFY(!applyOn(tool, s, output, &output, &error, &outcome));
    QCOMPARE(outcome, QStringLiteral("failed"));
    QVERIFY2(error.contains(QStringLiteral("handed over no file")), qPrintable(error));
}

void BqmToolTest::aRemovedFolderFailsTheItem()
{
    UploadTool    tool(ServiceId::OneDrive);
    const QString input = photo(QStringLiteral("Trip 2026"), QStringLiteral("dune.jpg"), QByteArray("dune"));
    QString       output, error, outcome;
    QVERIFY(!applyOn(tool, settingsFor(ServiceId::OneDrive, QStringLiteral("/Removed Meanwhile")), input, &output, &error, &outcome));
    QCOMPARE(outcome, QStringLiteral("failed"));
    QVERIFY2(error.contains(QStringLiteral("/Removed Meanwhile")) && error.contains(QStringLiteral("any more")), qPrintable(error));
    QVERIFY(stored(QStringLiteral("/Removed Meanwhile/Trip 2026/dune.jpg")).isEmpty());
    // The next item of the queue still runs.
    QVERIFY2(applyOn(tool, settingsFor(ServiceId::OneDrive, QStringLiteral("/BQM")), input, &output, &error, &outcome),
             qPrintable(error));
}

void BqmToolTest::anUnknownAccountFailsTheItem()
{
    UploadTool    tool(ServiceId::OneDrive);
    const QString input = photo(QStringLiteral("Trip 2026"), QStringLiteral("dune.jpg"), QByteArray("dune"));
    auto          s     = settingsFor(ServiceId::OneDrive, QStringLiteral("/BQM"));
    s.insert(QStringLiteral("Account"), QStringLiteral("nobody@example.invalid"));
    QString output, error, outcome;
    QVERIFY(!applyOn(tool, s, input, &output, &error, &outcome));
    QCOMPARE(outcome, QStringLiteral("failed"));
    QVERIFY2(error.startsWith(QStringLiteral("OneDrive: failed:")), qPrintable(error));
    // The advice names the tool's own button, not the export window's.
    QVERIFY2(error.contains(QStringLiteral("Click \"Log In...\" in the upload tool's settings")), qPrintable(error));
}

void BqmToolTest::dropboxToolUploadsToo()
{
    UploadTool    tool(ServiceId::Dropbox);
    const QString input = photo(QStringLiteral("Snow"), QStringLiteral("peak.jpg"), QByteArray("peak").repeated(100));
    QString       output, error, outcome;
    QVERIFY2(applyOn(tool, settingsFor(ServiceId::Dropbox, QStringLiteral("/")), input, &output, &error, &outcome),
             qPrintable(error));
    QCOMPARE(outcome, QStringLiteral("uploaded"));
    QVERIFY2(applyOn(tool, settingsFor(ServiceId::Dropbox, QStringLiteral("/")), input, &output, &error, &outcome),
             qPrintable(error));
    QCOMPARE(outcome, QStringLiteral("already-there"));
}

// The export window's "Limit upload speed to" (the host's "dkcloud" group)
// holds for the queue's uploads: at 256 KiB/s a 1 MiB photo takes at least
// (1024 - 256) KiB / 256 KiB/s = 3 s (the first 256 KiB piece goes at once);
// unlimited, it reaches the local emulator in a fraction of that.
void BqmToolTest::theExportWindowsSpeedLimitHoldsForTheQueue()
{
    KConfigGroup common = KSharedConfig::openConfig()->group(QStringLiteral("dkcloud"));
    common.writeEntry("Upload Limit", 256);
    common.sync();
    UploadTool       tool(ServiceId::OneDrive);
    const QByteArray bytes = QByteArray("a photo sent slowly ").repeated(52429).left(1024 * 1024);
    const QString    input = photo(QStringLiteral("Limited"), QStringLiteral("slow.jpg"), bytes);
    QString          output, error, outcome;
    QElapsedTimer    clock;
    clock.start();
    const bool applied = applyOn(tool, settingsFor(ServiceId::OneDrive, QStringLiteral("/BQM")), input, &output, &error, &outcome);
    const qint64 took = clock.elapsed();
    common.writeEntry("Upload Limit", 0);
    common.sync();
    QVERIFY2(applied, qPrintable(error));
    QCOMPARE(outcome, QStringLiteral("uploaded"));
    QVERIFY2(took >= 2700, qPrintable(QStringLiteral("took %1 ms").arg(took)));
    QCOMPARE(stored(QStringLiteral("/BQM/Limited/slow.jpg")), bytes);
}

void BqmToolTest::cancelStopsTheUploadCleanly()
{
    EmulatorProcess slow(qgetenv("DKCLOUD_TEST_EMULATOR").toStdString(), {"--bandwidth", "65536"});
    QVERIFY(slow.ok());
    qputenv("DKCLOUD_EMULATOR", QByteArray::fromStdString(slow.url()));
    qputenv("DKCLOUD_CONFIG_DIR", m_dir.filePath(QStringLiteral("dkcloud-slow")).toUtf8());
    logIn(ServiceId::OneDrive);

    UploadTool    tool(ServiceId::OneDrive);
    const QString input = photo(QStringLiteral("Big"), QStringLiteral("panorama.tif"), QByteArray(2 * 1024 * 1024, 'p'));
    std::unique_ptr<Digikam::BatchTool> clone(tool.clone());
    QSignalSpy finished(static_cast<UploadTool*>(clone.get()), &UploadTool::itemFinished);
    clone->setSettings(settingsFor(ServiceId::OneDrive, QStringLiteral("/")));
    clone->setInputUrl(QUrl::fromLocalFile(input));
    clone->setWorkingUrl(QUrl::fromLocalFile(m_dir.path()));
    clone->setLastChainedTool(true);
    clone->setOutputUrlFromInputUrl();

    // BQM's worker thread runs apply(); its "Stop" calls cancel() from the GUI thread.
    bool        done = true;
    std::thread worker([&]() { done = clone->apply(); });
    QTest::qWait(1500);
    const auto asked = std::chrono::steady_clock::now();
    clone->cancel();
    worker.join();
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - asked);
    QVERIFY(!done);
    QVERIFY2(took.count() < 5000, qPrintable(QString::number(took.count())));
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().at(1).toString(), QStringLiteral("cancelled"));
    QCOMPARE(clone->errorDescription(), QStringLiteral("OneDrive: cancelled"));
    // Nothing half-done is left on offer in the export window.
    const auto jobs = ffi::unfinishedJobs(ffi::Service::OneDrive);
    for (const ffi::UnfinishedJob& job : jobs)
        QVERIFY2(toQString(job.started_by) != QLatin1String("bqm"), qPrintable(toQString(job.what)));
}

QTEST_MAIN(BqmToolTest)
#include "bqm_tool_test.moc"
