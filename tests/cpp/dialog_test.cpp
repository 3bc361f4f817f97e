// The export window's real widgets, offscreen, against dkcloud-emulator:
// the photo list, account, albums, upload with per-item states, cancel from
// Close, settings remembered in the host's rc file, the clash notice.
#include "emulator_process.h"
#include "exportwindow.h"
#include "hostconfig.h"
#include "imagelist.h"
#include "rcfile.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QSpinBox>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace DkCloud;

class DialogTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void rcFileKeepsOtherLines();
    void clashIsDetectedFromTheHostConfig();
    void opensWithItemsAccountAndAlbums();
    void createsNestedAlbum();
    void uploadsAndShowsEachItemsState();
    void remembersSettingsPerService();
    void resizeUploadsAShrunkJpeg();
    void closeDuringUploadCancelsIt();
    void dropboxWindowSharesTheClass();
    void logsInThroughTheBrowserAndRemembersTheAccount();

private:
    QString photo(const QString& name, const QColor& color, int width = 640);

    QTemporaryDir                    m_dir;
    std::unique_ptr<EmulatorProcess> m_emulator;
    QString                          m_artifacts;
};

void DialogTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QByteArray emulator = qgetenv("DKCLOUD_TEST_EMULATOR");
    QVERIFY2(!emulator.isEmpty(), "set DKCLOUD_TEST_EMULATOR to target/debug/dkcloud-emulator");
    m_emulator = std::make_unique<EmulatorProcess>(emulator.toStdString(), std::vector<std::string>{"--static-token", "dialog-token"});
    QVERIFY(m_emulator->ok());
    qputenv("DKCLOUD_EMULATOR", QByteArray::fromStdString(m_emulator->url()));
    qputenv("DKCLOUD_STATIC_TOKEN", "dialog-token");
    qputenv("DKCLOUD_CONFIG_DIR", m_dir.filePath(QStringLiteral("dkcloud")).toUtf8());
    qputenv("DKCLOUD_TOKEN_STORE", "file");
    qputenv("DKCLOUD_PLUGIN_RC", m_dir.filePath(QStringLiteral("digikamrc")).toUtf8());
    m_artifacts = qEnvironmentVariable("DKCLOUD_TEST_ARTIFACTS", m_dir.path());
}

void DialogTest::cleanupTestCase()
{
    m_emulator.reset();
}

QString DialogTest::photo(const QString& name, const QColor& color, int width)
{
    QImage image(width, width * 3 / 4, QImage::Format_RGB32);
    image.fill(color);
    const QString path = m_dir.filePath(name);
    image.save(path, "JPEG", 95);
    return path;
}

void DialogTest::rcFileKeepsOtherLines()
{
    const QString path = m_dir.filePath(QStringLiteral("keep-rc"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("[General]\nRecent Files[$e]=$HOME/a.jpg\n\n[dkcloud OneDrive Settings]\nResize=true\nOther=1\n\n[Last]\nx=y\n");
    file.close();
    QVERIFY(RcFile(path).writeGroup(QStringLiteral("dkcloud OneDrive Settings"), {{QStringLiteral("Resize"), QStringLiteral("false")}, {QStringLiteral("New"), QStringLiteral("2")}}));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(file.readAll());
    QCOMPARE(text, QStringLiteral("[General]\nRecent Files[$e]=$HOME/a.jpg\n\n[dkcloud OneDrive Settings]\nResize=false\nOther=1\nNew=2\n\n[Last]\nx=y\n"));
    QCOMPARE(RcFile(path).readGroup(QStringLiteral("Last")).value(QStringLiteral("x")), QStringLiteral("y"));
}

void DialogTest::clashIsDetectedFromTheHostConfig()
{
    const RcFile rc(hostRcPath());
    // digiKam enables plugins unless told otherwise.
    QVERIFY(builtinEnabledInConfig(ServiceId::OneDrive));
    QVERIFY(!clashWarning(ServiceId::OneDrive, nullptr).isEmpty());
    QVERIFY(rc.writeGroup(QStringLiteral("EnabledDPlugins"), {{QStringLiteral("org.kde.digikam.plugin.generic.OneDrive"), QStringLiteral("false")},
                                                              {QStringLiteral("org.kde.digikam.plugin.generic.DropBox"), QStringLiteral("false")}}));
    QVERIFY(clashWarning(ServiceId::OneDrive, nullptr).isEmpty());
    QVERIFY(clashWarning(ServiceId::Dropbox, nullptr).isEmpty());

    ExportWindow window(ServiceId::OneDrive, {});
    window.setNotice(QStringLiteral("digiKam's own OneDrive exporter is enabled"));
    window.show();
    auto* notice = window.findChild<QLabel*>(QStringLiteral("clashNotice"));
    QVERIFY(notice && notice->isVisible());
}

void DialogTest::opensWithItemsAccountAndAlbums()
{
    const QList<QUrl> items{QUrl::fromLocalFile(photo(QStringLiteral("red.jpg"), Qt::red)),
                            QUrl::fromLocalFile(photo(QStringLiteral("blue.jpg"), Qt::blue))};
    ExportWindow window(ServiceId::OneDrive, items);
    QSignalSpy folders(&window, &ExportWindow::foldersReloaded);
    window.show();
    QCOMPARE(window.windowTitle(), QStringLiteral("Export to OneDrive"));
    QCOMPARE(window.items(), items);
    QCOMPARE(window.imageList()->topLevelItemCount(), 2);
    QVERIFY(!window.imageList()->topLevelItem(0)->icon(ImageList::ThumbnailColumn).isNull());
    QVERIFY(folders.wait(15000));
    QVERIFY(!window.accountLabel()->text().isEmpty());
    QVERIFY(window.accountLabel()->text() != QStringLiteral("not logged in"));
    QVERIFY(window.folderCombo()->findText(QStringLiteral("/")) >= 0);
    // Adding the same photo again does not duplicate it.
    window.addItems({items.first()});
    QCOMPARE(window.imageList()->topLevelItemCount(), 2);
}

void DialogTest::createsNestedAlbum()
{
    ExportWindow window(ServiceId::OneDrive, {});
    QSignalSpy folders(&window, &ExportWindow::foldersReloaded);
    window.show();
    QVERIFY(folders.wait(15000));
    window.createFolder(QStringLiteral("Holidays/2025/Alps"));
    QTRY_COMPARE_WITH_TIMEOUT(window.folderCombo()->currentText(), QStringLiteral("/Holidays/2025/Alps"), 15000);
    window.reloadFolders();
    QVERIFY(folders.wait(15000));
    QVERIFY(window.folderCombo()->findText(QStringLiteral("/Holidays/2025")) >= 0);
    QVERIFY(window.folderCombo()->findText(QStringLiteral("/Holidays/2025/Alps")) >= 0);
}

void DialogTest::uploadsAndShowsEachItemsState()
{
    const QList<QUrl> items{QUrl::fromLocalFile(photo(QStringLiteral("green.jpg"), Qt::green, 1600)),
                            QUrl::fromLocalFile(photo(QStringLiteral("yellow.jpg"), Qt::yellow, 1200))};
    ExportWindow window(ServiceId::OneDrive, items);
    QSignalSpy folders(&window, &ExportWindow::foldersReloaded);
    QSignalSpy finished(&window, &ExportWindow::uploadFinished);
    window.show();
    QVERIFY(folders.wait(15000));
    window.folderCombo()->setCurrentText(QStringLiteral("/Holidays/2025/Alps"));
    QVERIFY(window.startButton()->isEnabled());
    QTest::mouseClick(window.startButton(), Qt::LeftButton);
    QVERIFY(window.isUploading() || finished.count() == 1);
    QVERIFY(finished.count() == 1 || finished.wait(30000));
    for (int row = 0; row < 2; ++row)
        QCOMPARE(window.imageList()->topLevelItem(row)->text(ImageList::StateColumn), QStringLiteral("done"));
    QVERIFY2(window.summaryLabel()->text().contains(QStringLiteral("2 uploaded, 0 failed")), qPrintable(window.summaryLabel()->text()));
    QVERIFY(window.summaryLabel()->text().contains(QStringLiteral("href=")));
    QCOMPARE(window.progressBar()->value(), window.progressBar()->maximum());
    window.grab().save(m_artifacts + QStringLiteral("/dialog_onedrive_after_upload.png"));
}

void DialogTest::remembersSettingsPerService()
{
    const auto group = RcFile(hostRcPath()).readGroup(QStringLiteral("dkcloud OneDrive Settings"));
    QCOMPARE(group.value(QStringLiteral("Current Album")), QStringLiteral("/Holidays/2025/Alps"));
    ExportWindow window(ServiceId::OneDrive, {});
    QCOMPARE(window.folderCombo()->currentText(), QStringLiteral("/Holidays/2025/Alps"));
    QVERIFY(RcFile(hostRcPath()).readGroup(QStringLiteral("dkcloud Dropbox Settings")).isEmpty());
}

void DialogTest::resizeUploadsAShrunkJpeg()
{
    ExportWindow window(ServiceId::OneDrive, {QUrl::fromLocalFile(photo(QStringLiteral("grey.jpg"), Qt::gray, 1600))});
    QSignalSpy folders(&window, &ExportWindow::foldersReloaded);
    QSignalSpy finished(&window, &ExportWindow::uploadFinished);
    window.show();
    QVERIFY(folders.wait(15000));
    window.folderCombo()->setCurrentText(QStringLiteral("/Resized"));
    window.findChild<QCheckBox*>(QStringLiteral("originalCheck"))->setChecked(false);
    window.findChild<QCheckBox*>(QStringLiteral("resizeCheck"))->setChecked(true);
    window.findChild<QSpinBox*>(QStringLiteral("dimensionSpin"))->setValue(400);
    window.findChild<QSpinBox*>(QStringLiteral("qualitySpin"))->setValue(80);
    window.startUpload();
    QVERIFY(finished.count() == 1 || finished.wait(30000));
    QVERIFY2(window.summaryLabel()->text().contains(QStringLiteral("1 uploaded, 0 failed")), qPrintable(window.summaryLabel()->text()));
    // Fetch what the service stored and look at its pixels.
    const QString stored = m_dir.filePath(QStringLiteral("stored-grey.jpg"));
    const QString url = QString::fromStdString(m_emulator->url()) + QStringLiteral("/v1.0/me/drive/root:/Resized/grey.jpg:/content");
    QCOMPARE(QProcess::execute(QStringLiteral("curl"), {QStringLiteral("-sfL"), QStringLiteral("-H"), QStringLiteral("Authorization: Bearer dialog-token"), url, QStringLiteral("-o"), stored}), 0);
    const QImage image(stored);
    QCOMPARE(image.size(), QSize(400, 300));
    window.findChild<QCheckBox*>(QStringLiteral("resizeCheck"))->setChecked(false);
}

void DialogTest::closeDuringUploadCancelsIt()
{
    EmulatorProcess slow(qgetenv("DKCLOUD_TEST_EMULATOR").toStdString(), {"--static-token", "dialog-token", "--bandwidth", "131072", "--latency-ms", "2000"});
    QVERIFY(slow.ok());
    const QByteArray fast = qgetenv("DKCLOUD_EMULATOR");
    qputenv("DKCLOUD_EMULATOR", QByteArray::fromStdString(slow.url()));
    QFile big(m_dir.filePath(QStringLiteral("big.jpg")));
    QVERIFY(big.open(QIODevice::WriteOnly));
    big.write(QByteArray(6 * 1024 * 1024, 'x'));
    big.close();
    {
        ExportWindow window(ServiceId::OneDrive, {QUrl::fromLocalFile(big.fileName())});
        QSignalSpy folders(&window, &ExportWindow::foldersReloaded);
        QSignalSpy finished(&window, &ExportWindow::uploadFinished);
        window.show();
        QVERIFY(folders.wait(15000));
        window.startUpload();
        QVERIFY(window.isUploading());
        QTRY_VERIFY_WITH_TIMEOUT(window.imageList()->topLevelItem(0)->text(ImageList::StateColumn).startsWith(QStringLiteral("uploading")), 15000);
        window.grab().save(m_artifacts + QStringLiteral("/dialog_onedrive_uploading.png"));
        auto* close = window.findChild<QPushButton*>(QStringLiteral("closeButton"));
        QCOMPARE(close->text(), QStringLiteral("Cancel"));
        QTest::mouseClick(close, Qt::LeftButton);
        QVERIFY(finished.count() == 1 || finished.wait(15000));
        QVERIFY2(window.summaryLabel()->text().startsWith(QStringLiteral("Cancelled")), qPrintable(window.summaryLabel()->text()));
        QCOMPARE(close->text(), QStringLiteral("Close"));
        QVERIFY(window.isVisible());
    }
    // A window destroyed in the middle of an upload: the job is cancelled and
    // late events find no window.
    {
        auto* window = new ExportWindow(ServiceId::OneDrive, {QUrl::fromLocalFile(big.fileName())});
        QSignalSpy folders(window, &ExportWindow::foldersReloaded);
        QVERIFY(folders.wait(15000));
        window->startUpload();
        QVERIFY(window->isUploading());
        QTest::qWait(300);
        delete window;
        QTest::qWait(500);
    }
    qputenv("DKCLOUD_EMULATOR", fast);
}

void DialogTest::dropboxWindowSharesTheClass()
{
    ExportWindow window(ServiceId::Dropbox, {QUrl::fromLocalFile(photo(QStringLiteral("db.jpg"), Qt::cyan))});
    QSignalSpy folders(&window, &ExportWindow::foldersReloaded);
    QSignalSpy finished(&window, &ExportWindow::uploadFinished);
    window.show();
    QCOMPARE(window.windowTitle(), QStringLiteral("Export to Dropbox"));
    QVERIFY2(folders.wait(15000), qPrintable(window.statusLabel()->text()));
    window.folderCombo()->setCurrentText(QStringLiteral("/Camera Uploads"));
    window.startUpload();
    QVERIFY(finished.count() == 1 || finished.wait(30000));
    QCOMPARE(window.imageList()->topLevelItem(0)->text(ImageList::StateColumn), QStringLiteral("done"));
    window.grab().save(m_artifacts + QStringLiteral("/dialog_dropbox_after_upload.png"));
}

void DialogTest::logsInThroughTheBrowserAndRemembersTheAccount()
{
    // No static token: a real login. $BROWSER plays the user's browser; the
    // emulator consents at once and redirects to the engine's loopback listener
    // (OneDrive: any free port; Dropbox's fixed port may be taken on a busy machine).
    qunsetenv("DKCLOUD_STATIC_TOKEN");
    qputenv("BROWSER", "curl -s -L -o /dev/null");
    ExportWindow window(ServiceId::OneDrive, {});
    QSignalSpy account(&window, &ExportWindow::accountChanged);
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(window.statusLabel()->text().contains(QStringLiteral("Not logged in")), 15000);
    auto* login = window.findChild<QPushButton*>(QStringLiteral("loginButton"));
    QCOMPARE(login->text(), QStringLiteral("Log in"));
    QTRY_VERIFY_WITH_TIMEOUT(login->isEnabled(), 5000);
    QTest::mouseClick(login, Qt::LeftButton);
    QVERIFY2(account.wait(30000), qPrintable(window.statusLabel()->text()));
    const QString name = window.accountLabel()->text();
    QVERIFY(!name.isEmpty() && name != QStringLiteral("not logged in"));
    QCOMPARE(login->text(), QStringLiteral("Change Account"));
    auto* accounts = window.findChild<QComboBox*>(QStringLiteral("accountCombo"));
    QVERIFY(accounts->findText(name) >= 0);
    QCOMPARE(RcFile(hostRcPath()).readGroup(QStringLiteral("dkcloud OneDrive Settings")).value(QStringLiteral("Account")), name);
    // A new window finds the saved login without asking.
    ExportWindow again(ServiceId::OneDrive, {});
    QSignalSpy againAccount(&again, &ExportWindow::accountChanged);
    QVERIFY(againAccount.wait(15000));
    QCOMPARE(again.accountLabel()->text(), name);
    qputenv("DKCLOUD_STATIC_TOKEN", "dialog-token");
    qunsetenv("BROWSER");
}

QTEST_MAIN(DialogTest)
#include "dialog_test.moc"
