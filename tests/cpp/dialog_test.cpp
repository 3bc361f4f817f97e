// The export window's real widgets, offscreen, against dkcloud-emulator:
// the photo list, account, albums, upload with per-item states, cancel from
// Close, conflicts told as they happened, settings remembered in the host's
// own KConfig (no secrets), account truth and log out, the sign-in page
// without a browser, the clash notice. Every login is a real one through the
// dialog ($BROWSER played by curl); the tests watch the window's signals.
#include "emulator_process.h"
#include "url_catcher.h"
#include "exportwindow.h"
#include "hostconfig.h"
#include "exportsettings.h"
#include "imagelist.h"

#include <KConfigGroup>
#include <KSharedConfig>

#include <QCheckBox>
#include <QClipboard>
#include <QDesktopServices>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QSpinBox>
#include <QApplication>
#include <QFileDialog>
#include <QInputDialog>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <QLabel>
#include <QMenu>
#include "exportwidget.h"
#include <QMessageBox>
#include <QTimer>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace DkCloud;

namespace
{

// Sets an environment variable for a scope; the old value (or none) comes back.
class ScopedEnv
{
public:
    ScopedEnv(const char* name, const QByteArray& value)
        : m_name(name)
        , m_had(qEnvironmentVariableIsSet(name))
        , m_old(qgetenv(name))
    {
        qputenv(name, value);
    }
    ~ScopedEnv()
    {
        if (m_had)
            qputenv(m_name, m_old);
        else
            qunsetenv(m_name);
    }
    ScopedEnv(const ScopedEnv&)            = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* m_name;
    bool        m_had;
    QByteArray  m_old;
};

// The user's browser, played by curl: the emulator consents at once and
// redirects to the engine's loopback listener.
const QByteArray curlBrowser = "curl -s -L -o /dev/null";

// An emulator of the test's own with uploads capped at 1 MiB/s (and the
// tests' static token to read back what it stored), which the dialog uses,
// with a dkcloud config folder of its own, both for the scope.
struct SlowOneDrive
{
    explicit SlowOneDrive(const QByteArray& configDir)
        : emulator(qgetenv("DKCLOUD_TEST_EMULATOR").toStdString(),
                   {"--bandwidth", "1048576", "--latency-ms", "50", "--static-token", "dialog-token"})
        , address("DKCLOUD_EMULATOR", QByteArray::fromStdString(emulator.url()))
        , config("DKCLOUD_CONFIG_DIR", configDir)
    {
    }

    EmulatorProcess emulator;
    ScopedEnv       address;
    ScopedEnv       config;
};

} // namespace

class DialogTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void settingsGoToTheHostConfigWithoutSecrets();
    void clashIsDetectedFromTheHostConfig();
    void opensWithItemsAccountAndAlbums();
    void aThousandPhotosAreListedAtOnceAndThumbnailedInTheBackground();
    void createsNestedAlbum();
    void uploadsAndShowsEachItemsState();
    void anEditedPhotoIsReplacedOrPlainlySkipped();
    void remembersSettingsPerService();
    void resizeUploadsAShrunkJpeg();
    void anUploadSpeedLimitHoldsAndCanBeLiftedMidUpload();
    void closeDuringUploadAsksAndCanStopIt();
    void closeDuringUploadCanKeepItGoingInTheBackground();
    void anUnfinishedUploadIsOfferedResumedOrDiscarded();
    void shareLinkCopiesALinkThatOpensWithoutLogin();
    void dropboxWindowSharesTheClass();
    void namesThatAreOneOnTheServiceEachKeepTheirPhoto();
    void logsInThroughTheBrowserAndRemembersTheAccount();
    void aRememberedAccountWithoutLoginIsNotShown();
    void aTakenLoginPortAsksForThePastedCode();
    void smallThingsPhotosFolderIconsAndVersion();
    void noAppRegisteredPointsAtItsOwnDialog();
    void withoutABrowserTheSignInAddressIsALink();

private:
    // A dkcloud configuration folder of its own (no logins in it yet).
    QByteArray freshConfig(const QString& name);
    // A screenshot for the artifacts, once pending layouts (new label heights) are done.
    void shot(QWidget& window, const QString& name);
    // Logs in to the service through the dialog's own Log in, as a user does.
    void logInThroughTheDialog(ServiceId service);
    QString photo(const QString& name, const QColor& color, int width = 640);
    // A file of `bytes` counting 32-bit integers (every 4 bytes differ); its content.
    QByteArray countingFile(const QString& name, int bytes);
    // What the emulator (the main one, or the one at `base`) stores at remotePath.
    QByteArray stored(const QString& remotePath, const std::string& base = std::string());
    // The open "upload in progress" question: clicks its button named `button`.
    void answerCloseQuestion(ExportWindow& window, const QString& button);
    KConfigGroup group(const QString& name) const
    {
        KSharedConfig::openConfig()->reparseConfiguration();
        return KSharedConfig::openConfig()->group(name);
    }

    QTemporaryDir                    m_dir;
    std::unique_ptr<EmulatorProcess> m_emulator;
    QString                          m_artifacts;
};

void DialogTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QByteArray emulator = qgetenv("DKCLOUD_TEST_EMULATOR");
    QVERIFY2(!emulator.isEmpty(), "set DKCLOUD_TEST_EMULATOR to target/debug/dkcloud-emulator");
    // The dialog logs in for real; the emulator's static token only lets the
    // test fetch what was stored, as a second client would.
    m_emulator = std::make_unique<EmulatorProcess>(emulator.toStdString(), std::vector<std::string>{"--static-token", "dialog-token"});
    QVERIFY(m_emulator->ok());
    qputenv("DKCLOUD_EMULATOR", QByteArray::fromStdString(m_emulator->url()));
    qputenv("DKCLOUD_CONFIG_DIR", m_dir.filePath(QStringLiteral("dkcloud")).toUtf8());
    qputenv("DKCLOUD_TOKEN_STORE", "file");
    // Job records and journals stay in the test's folder.
    qputenv("XDG_STATE_HOME", m_dir.filePath(QStringLiteral("state")).toUtf8());
    qputenv("BROWSER", curlBrowser);
    // The host's configuration, as `digikam --config FILE` makes it: an earlier
    // version left a client secret and a Dropbox tenant in it.
    const QString rc = m_dir.filePath(QStringLiteral("digikamrc"));
    QFile file(rc);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("[General Settings]\nVersion=7.9.0\n\n[dkcloud Dropbox Settings]\nClient Secret=old-plain-secret\nTenant=common\n\n[Last]\nx=y\n");
    file.close();
    KConfig::setMainConfigName(rc);
    m_artifacts = qEnvironmentVariable("DKCLOUD_TEST_ARTIFACTS", m_dir.path());
    logInThroughTheDialog(ServiceId::OneDrive);
    logInThroughTheDialog(ServiceId::Dropbox);
}

void DialogTest::shot(QWidget& window, const QString& name)
{
    QTest::qWait(200);
    window.grab().save(m_artifacts + QLatin1Char('/') + name);
}

QByteArray DialogTest::freshConfig(const QString& name)
{
    const QString dir = m_dir.filePath(name);
    QDir().mkpath(dir);
    return dir.toUtf8();
}

void DialogTest::logInThroughTheDialog(ServiceId service)
{
    // Dropbox's loopback port is fixed by configuration: one that is free here.
    if (service == ServiceId::Dropbox)
        QVERIFY(useFreeDropboxPort(qEnvironmentVariable("DKCLOUD_CONFIG_DIR").toStdString()));
    ExportWindow window(service, {});
    QSignalSpy failed(&window, &ExportWindow::accountFailed);
    QSignalSpy account(&window, &ExportWindow::accountChanged);
    QVERIFY2(failed.count() == 1 || failed.wait(15000), "a new configuration has no login");
    QTRY_VERIFY_WITH_TIMEOUT(window.loginButton()->isEnabled(), 5000);
    window.logIn();
    QVERIFY2(account.count() == 1 || account.wait(30000), qPrintable(window.statusLabel()->text()));
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

QByteArray DialogTest::countingFile(const QString& name, int bytes)
{
    QByteArray content;
    for (int i = 0; i < bytes / 4; ++i)
        content.append(reinterpret_cast<const char*>(&i), 4);
    QFile file(m_dir.filePath(name));
    if (file.open(QIODevice::WriteOnly))
        file.write(content);
    return content;
}

QByteArray DialogTest::stored(const QString& remotePath, const std::string& base)
{
    const QString target = m_dir.filePath(QStringLiteral("stored.bin"));
    QFile::remove(target);
    const QString url = QString::fromStdString(base.empty() ? m_emulator->url() : base) +
                        QStringLiteral("/v1.0/me/drive/root:%1:/content").arg(remotePath);
    QProcess::execute(QStringLiteral("curl"), {QStringLiteral("-sfL"), QStringLiteral("-H"), QStringLiteral("Authorization: Bearer dialog-token"), url,
                                               QStringLiteral("-o"), target});
    QFile file(target);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void DialogTest::settingsGoToTheHostConfigWithoutSecrets()
{
    ExportSettings dropbox = ExportSettings::load(ServiceId::Dropbox);
    dropbox.clientId       = QStringLiteral("db-app");
    dropbox.save(ServiceId::Dropbox);
    ExportSettings onedrive = ExportSettings::load(ServiceId::OneDrive);
    onedrive.tenant         = QStringLiteral("consumers");
    onedrive.save(ServiceId::OneDrive);
    QFile file(m_dir.filePath(QStringLiteral("digikamrc")));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(file.readAll());
    QVERIFY2(!text.contains(QStringLiteral("old-plain-secret")) && !text.contains(QStringLiteral("Secret")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("[Last]\nx=y")) && text.contains(QStringLiteral("Version=7.9.0")), qPrintable(text));
    QCOMPARE(group(QStringLiteral("dkcloud Dropbox Settings")).readEntry("Client Id", QString()), QStringLiteral("db-app"));
    QVERIFY(!group(QStringLiteral("dkcloud Dropbox Settings")).hasKey("Tenant"));
    QCOMPARE(group(QStringLiteral("dkcloud OneDrive Settings")).readEntry("Tenant", QString()), QStringLiteral("consumers"));
    onedrive.tenant.clear();
    onedrive.save(ServiceId::OneDrive);
    dropbox.clientId.clear();
    dropbox.save(ServiceId::Dropbox);
}

void DialogTest::clashIsDetectedFromTheHostConfig()
{
    // digiKam enables plugins unless told otherwise.
    QVERIFY(builtinEnabledInConfig(ServiceId::OneDrive));
    QVERIFY(!clashWarning(ServiceId::OneDrive, nullptr).isEmpty());
    KConfigGroup plugins = KSharedConfig::openConfig()->group(QStringLiteral("EnabledDPlugins"));
    plugins.writeEntry("org.kde.digikam.plugin.generic.OneDrive", false);
    plugins.writeEntry("org.kde.digikam.plugin.generic.DropBox", false);
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
    QSignalSpy folders(&window, &ExportWindow::foldersLoaded);
    window.show();
    QCOMPARE(window.windowTitle(), QStringLiteral("Export to OneDrive"));
    QCOMPARE(window.items(), items);
    QCOMPARE(window.imageList()->topLevelItemCount(), 2);
    QVERIFY(!window.imageList()->topLevelItem(0)->icon(ImageList::ThumbnailColumn).isNull());
    QVERIFY(folders.wait(15000));
    QTRY_VERIFY_WITH_TIMEOUT(window.imageList()->hasThumbnail(0) && window.imageList()->hasThumbnail(1), 10000);
    QVERIFY(!window.accountLabel()->text().isEmpty());
    QVERIFY(window.accountLabel()->text() != QStringLiteral("not logged in"));
    QVERIFY(window.folderCombo()->findText(QStringLiteral("/")) >= 0);
    // Adding the same photo again does not duplicate it.
    window.addItems({items.first()});
    QCOMPARE(window.imageList()->topLevelItemCount(), 2);
}

void DialogTest::aThousandPhotosAreListedAtOnceAndThumbnailedInTheBackground()
{
    // 1,000 names for 4 large photos (links): the list must not decode any
    // of them while it is filled, nor check each against all the others.
    QStringList photos;
    for (int i = 0; i < 4; ++i)
        photos << photo(QStringLiteral("large-%1.jpg").arg(i), QColor::fromHsv(i * 90, 200, 200), 4000);
    QDir links(m_dir.filePath(QStringLiteral("thousand")));
    QVERIFY(links.mkpath(QStringLiteral(".")));
    QList<QUrl> urls;
    for (int i = 0; i < 1000; ++i)
    {
        const QString link = links.filePath(QStringLiteral("IMG_%1.jpg").arg(i, 4, 10, QLatin1Char('0')));
        QVERIFY(QFile::exists(link) || QFile::link(photos[i % 4], link));
        urls << QUrl::fromLocalFile(link);
    }
    ExportWindow window(ServiceId::OneDrive, {});
    ImageList* list = window.imageList();
    QSignalSpy shown(list, &ImageList::thumbnailShown);
    window.show();
    QCOMPARE(list->addUrls(urls + urls.mid(0, 500)), 1000);
    QCOMPARE(list->topLevelItemCount(), 1000);
    QCOMPARE(window.items(), urls);
    QCOMPARE(list->topLevelItem(999)->text(ImageList::NameColumn), QStringLiteral("IMG_0999.jpg"));
    QVERIFY(!list->topLevelItem(999)->text(ImageList::SizeColumn).isEmpty());
    // Nothing was decoded while the rows were added: thumbnails come later,
    // from worker threads, first for the rows in view.
    QCOMPARE(shown.count(), 0);
    QVERIFY(!list->hasThumbnail(0));
    QCOMPARE(list->thumbnailOrigin(), QStringLiteral("reader"));
    QTRY_VERIFY_WITH_TIMEOUT(list->hasThumbnail(0), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(shown.count() > 0 && !list->hasThumbnail(999), true, 10000);
    // The photo's own picture, fitted to the row at its 4:3 proportions.
    QCOMPARE(shown.first().at(1).toSize(), QSize(64, 48));
    // Rows far below load when they come into view.
    list->scrollToItem(list->topLevelItem(999));
    QTRY_VERIFY_WITH_TIMEOUT(list->hasThumbnail(999), 10000);
    QVERIFY(shown.count() < 200);
    // The same photos again add nothing; removing and adding one works.
    QCOMPARE(list->addUrls(urls), 0);
    list->clearSelection();
    list->topLevelItem(0)->setSelected(true);
    list->removeSelected();
    QCOMPARE(list->topLevelItemCount(), 999);
    QCOMPARE(list->addUrls({urls.first()}), 1);
    // States per row stay with their rows.
    list->setState(998, QStringLiteral("uploaded"));
    QCOMPARE(list->topLevelItem(998)->text(ImageList::StateColumn), QStringLiteral("uploaded"));
}

void DialogTest::createsNestedAlbum()
{
    ExportWindow window(ServiceId::OneDrive, {});
    QSignalSpy folders(&window, &ExportWindow::foldersLoaded);
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
    QSignalSpy folders(&window, &ExportWindow::foldersLoaded);
    QSignalSpy finished(&window, &ExportWindow::uploadFinished);
    window.show();
    QVERIFY(folders.wait(15000));
    window.folderCombo()->setCurrentText(QStringLiteral("/Holidays/2025/Alps"));
    QVERIFY(window.startButton()->isEnabled());
    QTest::mouseClick(window.startButton(), Qt::LeftButton);
    QVERIFY(window.isUploading() || finished.count() == 1);
    QVERIFY(finished.count() == 1 || finished.wait(30000));
    for (int row = 0; row < 2; ++row)
        QCOMPARE(window.imageList()->topLevelItem(row)->text(ImageList::StateColumn), QStringLiteral("uploaded"));
    QVERIFY2(window.summaryLabel()->text().startsWith(QStringLiteral("2 uploaded.")), qPrintable(window.summaryLabel()->text()));
    // The link is the folder's address as the service gave it (the emulator's page).
    const QString emulator = QString::fromStdString(m_emulator->url());
    QVERIFY2(window.summaryLabel()->text().contains(QStringLiteral("href=\"%1/_web/onedrive/Holidays/2025/Alps\"").arg(emulator)),
             qPrintable(window.summaryLabel()->text()));
    QCOMPARE(window.progressBar()->value(), window.progressBar()->maximum());
    // Nothing changed since: Start Upload waits for a change.
    QVERIFY(!window.startButton()->isEnabled());
    shot(window, QStringLiteral("dialog_onedrive_after_upload.png"));
}

void DialogTest::anEditedPhotoIsReplacedOrPlainlySkipped()
{
    const QString green = m_dir.filePath(QStringLiteral("green.jpg"));
    const QList<QUrl> items{QUrl::fromLocalFile(green), QUrl::fromLocalFile(m_dir.filePath(QStringLiteral("yellow.jpg")))};
    QImage edited(1600, 1200, QImage::Format_RGB32);
    edited.fill(Qt::darkGreen);
    QVERIFY(edited.save(green, "JPEG", 90));
    QFile editedFile(green);
    QVERIFY(editedFile.open(QIODevice::ReadOnly));
    const QByteArray editedBytes = editedFile.readAll();
    QVERIFY(stored(QStringLiteral("/Holidays/2025/Alps/green.jpg")) != editedBytes);

    // Skip: the cloud keeps the old photo, and the dialog says so.
    {
        ExportWindow window(ServiceId::OneDrive, items);
        QSignalSpy folders(&window, &ExportWindow::foldersLoaded);
        QSignalSpy finished(&window, &ExportWindow::uploadFinished);
        window.show();
        QVERIFY(folders.wait(15000));
        QCOMPARE(window.conflictCombo()->currentData().toString(), QStringLiteral("replace"));  // the default
        window.conflictCombo()->setCurrentIndex(window.conflictCombo()->findData(QStringLiteral("skip")));
        window.startUpload();
        QVERIFY(finished.count() == 1 || finished.wait(30000));
        QVERIFY2(window.imageList()->topLevelItem(0)->text(ImageList::StateColumn).startsWith(QStringLiteral("skipped: a different file")),
                 qPrintable(window.imageList()->topLevelItem(0)->text(ImageList::StateColumn)));
        QCOMPARE(window.imageList()->topLevelItem(1)->text(ImageList::StateColumn), QStringLiteral("already there (identical)"));
        const QString summary = window.summaryLabel()->text();
        QVERIFY2(summary.startsWith(QStringLiteral("1 already there, 1 skipped.")) && !summary.contains(QStringLiteral("uploaded")),
                 qPrintable(summary));
        // The skipped photo is not on OneDrive (another file holds its name).
        QVERIFY2(window.widget()->rateLabel()->text().startsWith(QStringLiteral("1 of 2 photos on OneDrive after")),
                 qPrintable(window.widget()->rateLabel()->text()));
        // ... and says what to click to store it after all.
        QVERIFY2(window.statusLabel()->text().contains(QStringLiteral("Replace it with this photo")), qPrintable(window.statusLabel()->text()));
        QVERIFY(stored(QStringLiteral("/Holidays/2025/Alps/green.jpg")) != editedBytes);
        shot(window, QStringLiteral("dialog_onedrive_skipped_edit.png"));
        // A change (the policy) clears the old marks and lets Start Upload run again.
        window.conflictCombo()->setCurrentIndex(window.conflictCombo()->findData(QStringLiteral("replace")));
        QVERIFY(window.startButton()->isEnabled());
        QVERIFY(window.imageList()->topLevelItem(0)->text(ImageList::StateColumn).isEmpty());
        window.startUpload();
        QVERIFY(finished.wait(30000));
        QCOMPARE(window.imageList()->topLevelItem(0)->text(ImageList::StateColumn), QStringLiteral("uploaded, replaced the older copy"));
        QCOMPARE(window.imageList()->topLevelItem(1)->text(ImageList::StateColumn), QStringLiteral("already there (identical)"));
        QVERIFY2(window.summaryLabel()->text().startsWith(QStringLiteral("1 replaced, 1 already there.")), qPrintable(window.summaryLabel()->text()));
        QVERIFY2(window.widget()->rateLabel()->text().startsWith(QStringLiteral("2 of 2 photos on OneDrive after")),
                 qPrintable(window.widget()->rateLabel()->text()));
        shot(window, QStringLiteral("dialog_onedrive_replaced_edit.png"));
    }
    QCOMPARE(stored(QStringLiteral("/Holidays/2025/Alps/green.jpg")), editedBytes);
    QCOMPARE(group(QStringLiteral("dkcloud OneDrive Settings")).readEntry("On Conflict", QString()), QStringLiteral("replace"));
}

void DialogTest::remembersSettingsPerService()
{
    QCOMPARE(group(QStringLiteral("dkcloud OneDrive Settings")).readEntry("Current Album", QString()), QStringLiteral("/Holidays/2025/Alps"));
    ExportWindow window(ServiceId::OneDrive, {});
    QCOMPARE(window.folderCombo()->currentText(), QStringLiteral("/Holidays/2025/Alps"));
    // Each service keeps its own: the OneDrive album did not leak into Dropbox's group.
    QVERIFY(group(QStringLiteral("dkcloud Dropbox Settings")).readEntry("Current Album", QString()) != QStringLiteral("/Holidays/2025/Alps"));
}

void DialogTest::resizeUploadsAShrunkJpeg()
{
    ExportWindow window(ServiceId::OneDrive, {QUrl::fromLocalFile(photo(QStringLiteral("grey.jpg"), Qt::gray, 1600))});
    QSignalSpy folders(&window, &ExportWindow::foldersLoaded);
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
    QVERIFY2(window.summaryLabel()->text().startsWith(QStringLiteral("1 uploaded.")), qPrintable(window.summaryLabel()->text()));
    // Fetch what the service stored and look at its pixels.
    const QString stored = m_dir.filePath(QStringLiteral("stored-grey.jpg"));
    const QString url = QString::fromStdString(m_emulator->url()) + QStringLiteral("/v1.0/me/drive/root:/Resized/grey.jpg:/content");
    QCOMPARE(QProcess::execute(QStringLiteral("curl"), {QStringLiteral("-sfL"), QStringLiteral("-H"), QStringLiteral("Authorization: Bearer dialog-token"), url, QStringLiteral("-o"), stored}), 0);
    const QImage image(stored);
    QCOMPARE(image.size(), QSize(400, 300));
    window.findChild<QCheckBox*>(QStringLiteral("resizeCheck"))->setChecked(false);
}

void DialogTest::answerCloseQuestion(ExportWindow& window, const QString& button)
{
    QMessageBox* question = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((question = window.findChild<QMessageBox*>(QStringLiteral("closeDuringUploadQuestion"))) &&
                                 question->isVisible(),
                             5000);
    QVERIFY2(question->text().contains(QStringLiteral("is still running")), qPrintable(question->text()));
    auto* choice = question->findChild<QPushButton*>(button);
    QVERIFY(choice);
    QTest::mouseClick(choice, Qt::LeftButton);
}

// The upload speed limit (Options): a 1 MiB photo at 32 KiB/s takes over
// 20 s; unticking the limit during the upload lets that upload finish at once.
// One setting for both services, kept in the host's "dkcloud" group.
void DialogTest::anUploadSpeedLimitHoldsAndCanBeLiftedMidUpload()
{
    const QByteArray content = countingFile(QStringLiteral("limited.jpg"), 1024 * 1024);
    ExportWindow window(ServiceId::OneDrive, {QUrl::fromLocalFile(m_dir.filePath(QStringLiteral("limited.jpg")))});
    QSignalSpy folders(&window, &ExportWindow::foldersLoaded);
    QSignalSpy finished(&window, &ExportWindow::uploadFinished);
    window.show();
    QVERIFY(folders.wait(15000));
    window.folderCombo()->setCurrentText(QStringLiteral("/Limited"));
    ExportWidget* ui = window.widget();
    QVERIFY(!ui->limitCheck()->isChecked());
    QVERIFY(!ui->limitSpin()->isEnabled());
    ui->limitCheck()->setChecked(true);
    QVERIFY(ui->limitSpin()->isEnabled());
    ui->limitSpin()->setValue(32);
    QCOMPARE(group(QStringLiteral("dkcloud")).readEntry("Upload Limit", -1), 32);
    shot(window, QStringLiteral("dialog_upload_limit.png"));

    QElapsedTimer clock;
    clock.start();
    window.startUpload();
    // Unlimited, a 1 MiB file reaches the local emulator in well under a second.
    QTest::qWait(3000);
    QVERIFY2(finished.isEmpty() && window.isUploading(), "the upload did not wait for the limit");
    QVERIFY(stored(QStringLiteral("/Limited/limited.jpg")).isEmpty());

    ui->limitCheck()->setChecked(false);
    QCOMPARE(group(QStringLiteral("dkcloud")).readEntry("Upload Limit", -1), 0);
    QVERIFY(finished.count() == 1 || finished.wait(15000));
    // Still limited, it would have taken (1024 - 256) KiB / 32 KiB/s = 24 s at least.
    QVERIFY2(clock.elapsed() < 20000, qPrintable(QStringLiteral("took %1 ms").arg(clock.elapsed())));
    QCOMPARE(window.imageList()->topLevelItem(0)->text(ImageList::StateColumn), QStringLiteral("uploaded"));
    QCOMPARE(stored(QStringLiteral("/Limited/limited.jpg")), content);

    // The Dropbox window shows the same setting.
    ui->limitCheck()->setChecked(true);
    ui->limitSpin()->setValue(2048);
    ExportWindow dropbox(ServiceId::Dropbox, {});
    QVERIFY(dropbox.widget()->limitCheck()->isChecked());
    QCOMPARE(dropbox.widget()->limitSpin()->value(), 2048);
    ui->limitCheck()->setChecked(false);
}

void DialogTest::closeDuringUploadAsksAndCanStopIt()
{
    EmulatorProcess slow(qgetenv("DKCLOUD_TEST_EMULATOR").toStdString(), {"--bandwidth", "131072", "--latency-ms", "2000"});
    QVERIFY(slow.ok());
    ScopedEnv emulator("DKCLOUD_EMULATOR", QByteArray::fromStdString(slow.url()));
    ScopedEnv config("DKCLOUD_CONFIG_DIR", freshConfig(QStringLiteral("dkcloud-slow")));
    logInThroughTheDialog(ServiceId::OneDrive);
    if (QTest::currentTestFailed())
        return;
    QFile big(m_dir.filePath(QStringLiteral("big.jpg")));
    QVERIFY(big.open(QIODevice::WriteOnly));
    big.write(QByteArray(6 * 1024 * 1024, 'x'));
    big.close();
    {
        ExportWindow window(ServiceId::OneDrive, {QUrl::fromLocalFile(big.fileName())});
        QSignalSpy folders(&window, &ExportWindow::foldersLoaded);
        QSignalSpy finished(&window, &ExportWindow::uploadFinished);
        QSignalSpy asked(&window, &ExportWindow::closeQuestionShown);
        window.show();
        QVERIFY(folders.wait(15000));
        window.startUpload();
        QVERIFY(window.isUploading());
        QTRY_VERIFY_WITH_TIMEOUT(window.imageList()->topLevelItem(0)->text(ImageList::StateColumn).startsWith(QStringLiteral("uploading")), 15000);
        shot(window, QStringLiteral("dialog_onedrive_uploading.png"));
        auto* close = window.findChild<QPushButton*>(QStringLiteral("closeButton"));
        QCOMPARE(close->text(), QStringLiteral("&Close"));
        // Close asks; "Return to the Upload" changes nothing.
        QTest::mouseClick(close, Qt::LeftButton);
        QCOMPARE(asked.count(), 1);
        answerCloseQuestion(window, QStringLiteral("returnToUploadButton"));
        QTest::qWait(300);
        QVERIFY(window.isUploading());
        QVERIFY(window.isVisible());
        // Escape asks too; Stop Upload cancels, and the window stays with the summary.
        QTest::keyClick(&window, Qt::Key_Escape);
        QCOMPARE(asked.count(), 2);
        answerCloseQuestion(window, QStringLiteral("stopUploadButton"));
        QVERIFY(finished.count() == 1 || finished.wait(15000));
        QVERIFY2(window.summaryLabel()->text().startsWith(QStringLiteral("Cancelled")), qPrintable(window.summaryLabel()->text()));
        QVERIFY(!window.isUploading());
        QVERIFY(window.isVisible());
    }
    // A window destroyed in the middle of an upload: the job is cancelled and
    // late events find no window.
    {
        auto* window = new ExportWindow(ServiceId::OneDrive, {QUrl::fromLocalFile(big.fileName())});
        QSignalSpy folders(window, &ExportWindow::foldersLoaded);
        QVERIFY(folders.wait(15000));
        window->startUpload();
        QVERIFY(window->isUploading());
        QTest::qWait(300);
        delete window;
        QTest::qWait(500);
    }
}

namespace
{

QWidget* backgroundWindow()
{
    for (QWidget* widget : QApplication::topLevelWidgets())
        if (widget->objectName() == QLatin1String("dkcloudBackgroundUpload") && widget->isVisible())
            return widget;
    return nullptr;
}

} // namespace

void DialogTest::closeDuringUploadCanKeepItGoingInTheBackground()
{
    // 6 MiB at 1 MiB/s: several seconds on the wire.
    SlowOneDrive slowDrive(freshConfig(QStringLiteral("dkcloud-background")));
    const EmulatorProcess& slow = slowDrive.emulator;
    QVERIFY(slow.ok());
    logInThroughTheDialog(ServiceId::OneDrive);
    if (QTest::currentTestFailed())
        return;
    const QByteArray content = countingFile(QStringLiteral("background.jpg"), 6 * 1024 * 1024);
    QFile big(m_dir.filePath(QStringLiteral("background.jpg")));

    auto* window = new ExportWindow(ServiceId::OneDrive, {QUrl::fromLocalFile(big.fileName())});
    window->setAttribute(Qt::WA_DeleteOnClose);
    QPointer<ExportWindow> alive(window);
    QSignalSpy folders(window, &ExportWindow::foldersLoaded);
    QSignalSpy finished(window, &ExportWindow::uploadFinished);
    QSignalSpy background(window, &ExportWindow::movedToBackground);
    window->show();
    QVERIFY(folders.wait(15000));
    window->folderCombo()->setCurrentText(QStringLiteral("/Background"));
    window->startUpload();
    QTRY_VERIFY_WITH_TIMEOUT(window->imageList()->topLevelItem(0)->text(ImageList::StateColumn).startsWith(QStringLiteral("uploading")), 15000);
    window->close();
    answerCloseQuestion(*window, QStringLiteral("keepInBackgroundButton"));
    QCOMPARE(background.count(), 1);
    QVERIFY(window->isInBackground());
    QVERIFY(!window->isVisible());
    QVERIFY(window->isUploading());

    // The upload shows itself in a small window: progress, Show Details, Stop Upload.
    QWidget* progress = backgroundWindow();
    QVERIFY(progress);
    QCOMPARE(progress->windowTitle(), QStringLiteral("Uploading to OneDrive"));
    QVERIFY(progress->findChild<QPushButton*>(QStringLiteral("stopUploadButton"))->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(progress->findChild<QProgressBar*>(QStringLiteral("backgroundBar"))->value() > 0, 15000);
    shot(*progress, QStringLiteral("dialog_background_uploading.png"));

    // Show Details brings the export window back, Close sends the upload away again.
    QTest::mouseClick(progress->findChild<QPushButton*>(QStringLiteral("showDetailsButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(window->isVisible(), 5000);
    QVERIFY(!window->isInBackground());
    QTRY_VERIFY_WITH_TIMEOUT(!backgroundWindow(), 5000);
    QVERIFY(window->isUploading());
    QTest::keyClick(window, Qt::Key_Escape);
    answerCloseQuestion(*window, QStringLiteral("keepInBackgroundButton"));
    QCOMPARE(background.count(), 2);

    // It finishes on its own; the export window goes, the small one tells the outcome with the link.
    QVERIFY(finished.count() == 1 || finished.wait(60000));
    const auto result = finished.at(0).at(0).value<UploadResult>();
    QCOMPARE(result.uploaded, 1);
    QVERIFY(result.complete());
    QTRY_VERIFY_WITH_TIMEOUT(alive.isNull(), 5000);
    progress = backgroundWindow();
    QVERIFY(progress);
    QCOMPARE(progress->windowTitle(), QStringLiteral("Upload to OneDrive finished"));
    const QString summary = progress->findChild<QLabel*>(QStringLiteral("backgroundStatus"))->text();
    QVERIFY2(summary.contains(QStringLiteral("1 uploaded")) && summary.contains(QStringLiteral("href=")), qPrintable(summary));
    auto* copy = progress->findChild<QPushButton*>(QStringLiteral("copyLinkButton"));
    QVERIFY(copy->isVisible());
    QVERIFY(!progress->findChild<QPushButton*>(QStringLiteral("stopUploadButton"))->isVisible());
    shot(*progress, QStringLiteral("dialog_background_finished.png"));
    QTest::mouseClick(copy, Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text(), result.folderUrl);
    QCOMPARE(stored(QStringLiteral("/Background/background.jpg"), slow.url()), content);
    QTest::mouseClick(progress->findChild<QPushButton*>(QStringLiteral("closeProgressButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!backgroundWindow(), 5000);
}

void DialogTest::anUnfinishedUploadIsOfferedResumedOrDiscarded()
{
    SlowOneDrive slowDrive(freshConfig(QStringLiteral("dkcloud-resume")));
    const EmulatorProcess& slow = slowDrive.emulator;
    QVERIFY(slow.ok());
    ScopedEnv state("XDG_STATE_HOME", freshConfig(QStringLiteral("state-resume")));
    logInThroughTheDialog(ServiceId::OneDrive);
    if (QTest::currentTestFailed())
        return;
    const QByteArray content = countingFile(QStringLiteral("resume.jpg"), 5 * 1024 * 1024);
    QFile big(m_dir.filePath(QStringLiteral("resume.jpg")));
    const QString small = photo(QStringLiteral("resume-small.jpg"), Qt::magenta);

    // A run stopped half-way (as by a quit): the next window offers it.
    {
        ExportWindow window(ServiceId::OneDrive, {QUrl::fromLocalFile(small), QUrl::fromLocalFile(big.fileName())});
        QSignalSpy folders(&window, &ExportWindow::foldersLoaded);
        QSignalSpy finished(&window, &ExportWindow::uploadFinished);
        QSignalSpy file(&window, &ExportWindow::fileFinished);
        window.show();
        QVERIFY(folders.wait(15000));
        window.folderCombo()->setCurrentText(QStringLiteral("/Resumed"));
        window.startUpload();
        QVERIFY(file.count() >= 1 || file.wait(15000));
        window.stopUpload();
        QVERIFY(finished.count() == 1 || finished.wait(15000));
        QVERIFY(finished.at(0).at(0).value<UploadResult>().cancelled);
    }
    {
        ExportWindow window(ServiceId::OneDrive, {QUrl::fromLocalFile(photo(QStringLiteral("other.jpg"), Qt::gray))});
        QSignalSpy offered(&window, &ExportWindow::unfinishedOffered);
        QSignalSpy accounts(&window, &ExportWindow::accountChanged);
        QSignalSpy finished(&window, &ExportWindow::uploadFinished);
        window.show();
        QVERIFY(offered.count() == 1 || offered.wait(15000));
        QVERIFY(accounts.count() == 1 || accounts.wait(15000));
        auto* bar = window.widget()->resumeBar();
        QVERIFY(bar->isVisible());
        const QString text = window.widget()->resumeText()->text();
        QVERIFY2(text.contains(QStringLiteral("did not finish")) && text.contains(QStringLiteral("/Resumed")) &&
                     text.contains(QStringLiteral("1 of 2 stored")) && text.contains(QStringLiteral(": 2 photos from /")),
                 qPrintable(text));
        shot(window, QStringLiteral("dialog_resume_offered.png"));
        QTRY_VERIFY_WITH_TIMEOUT(window.widget()->resumeButton()->isEnabled(), 5000);
        QTest::mouseClick(window.widget()->resumeButton(), Qt::LeftButton);
        // The list shows the job's own photos; only what is left is sent.
        QCOMPARE(window.items().size(), 2);
        QVERIFY(finished.wait(60000));
        const auto result = finished.at(0).at(0).value<UploadResult>();
        QVERIFY(result.complete());
        QCOMPARE(result.uploaded, 1);
        QVERIFY(!bar->isVisible());
        QCOMPARE(stored(QStringLiteral("/Resumed/resume.jpg"), slow.url()), content);
    }
    // Finished: nothing is offered any more.
    {
        ExportWindow window(ServiceId::OneDrive, {QUrl::fromLocalFile(small)});
        QSignalSpy offered(&window, &ExportWindow::unfinishedOffered);
        QSignalSpy accounts(&window, &ExportWindow::accountChanged);
        window.show();
        QVERIFY(accounts.count() == 1 || accounts.wait(15000));
        QTest::qWait(1000);
        QCOMPARE(offered.count(), 0);
        QVERIFY(!window.widget()->resumeBar()->isVisible());
    }
}

void DialogTest::shareLinkCopiesALinkThatOpensWithoutLogin()
{
    ExportWindow window(ServiceId::OneDrive, {QUrl::fromLocalFile(photo(QStringLiteral("shared.jpg"), Qt::darkGreen))});
    QSignalSpy folders(&window, &ExportWindow::foldersLoaded);
    QSignalSpy finished(&window, &ExportWindow::uploadFinished);
    QSignalSpy shared(&window, &ExportWindow::linkShared);
    QSignalSpy refused(&window, &ExportWindow::linkFailed);
    window.show();
    QVERIFY(folders.wait(15000));
    window.folderCombo()->setCurrentText(QStringLiteral("/Shared Album"));
    window.startUpload();
    QVERIFY(finished.count() == 1 || finished.wait(30000));
    QTRY_VERIFY_WITH_TIMEOUT(window.widget()->shareButton()->isEnabled(), 5000);
    auto* menu = window.widget()->shareButton()->menu();
    QVERIFY(menu);
    QCOMPARE(menu->actions().size(), 3);
    menu->actions().at(0)->trigger();
    QVERIFY(shared.wait(15000));
    const QString url = shared.at(0).at(0).toString();
    QCOMPARE(QApplication::clipboard()->text(), url);
    QVERIFY2(window.statusLabel()->text().contains(QStringLiteral("View link to /Shared Album copied")),
             qPrintable(window.statusLabel()->text()));
    shot(window, QStringLiteral("dialog_share_link.png"));
    // Anyone with the link sees the album, without a login.
    QProcess curl;
    curl.start(QStringLiteral("curl"), {QStringLiteral("-s"), QStringLiteral("-w"), QStringLiteral("\n%{http_code}"), url});
    QVERIFY(curl.waitForFinished(15000));
    const QString page = QString::fromUtf8(curl.readAllStandardOutput());
    QVERIFY2(page.endsWith(QStringLiteral("200")) && page.contains(QStringLiteral("shared.jpg")), qPrintable(page));
    // An expiring link needs a paid plan: said so, with no link made.
    menu->actions().at(2)->trigger();
    QVERIFY(refused.wait(15000));
    QVERIFY2(window.statusLabel()->text().contains(QStringLiteral("plan does not allow")), qPrintable(window.statusLabel()->text()));
}

void DialogTest::dropboxWindowSharesTheClass()
{
    ExportWindow window(ServiceId::Dropbox, {QUrl::fromLocalFile(photo(QStringLiteral("db.jpg"), Qt::cyan))});
    QSignalSpy folders(&window, &ExportWindow::foldersLoaded);
    QSignalSpy finished(&window, &ExportWindow::uploadFinished);
    window.show();
    QCOMPARE(window.windowTitle(), QStringLiteral("Export to Dropbox"));
    QVERIFY2(folders.wait(15000), qPrintable(window.statusLabel()->text()));
    window.folderCombo()->setCurrentText(QStringLiteral("/Camera Uploads"));
    window.startUpload();
    QVERIFY(finished.count() == 1 || finished.wait(30000));
    QCOMPARE(window.imageList()->topLevelItem(0)->text(ImageList::StateColumn), QStringLiteral("uploaded"));
    QVERIFY2(window.summaryLabel()->text().contains(QStringLiteral("/home/Camera%20Uploads\"")), qPrintable(window.summaryLabel()->text()));
    shot(window, QStringLiteral("dialog_dropbox_after_upload.png"));
}

void DialogTest::namesThatAreOneOnTheServiceEachKeepTheirPhoto()
{
    // IMG_1.JPG and img_1.jpg are one name to Dropbox (case is ignored); desktop.ini
    // is a name Dropbox never stores. Under the default "replace", nothing may be
    // lost and nothing claimed: each photo gets its own name, and the row says so.
    QDir sub(m_dir.filePath(QStringLiteral("clash")));
    QVERIFY(sub.mkpath(QStringLiteral("a")) && sub.mkpath(QStringLiteral("b")));
    const QString upper = photo(QStringLiteral("clash/a/IMG_1.JPG"), Qt::red);
    const QString lower = photo(QStringLiteral("clash/b/img_1.jpg"), Qt::blue);
    QFile ini(sub.filePath(QStringLiteral("a/desktop.ini")));
    QVERIFY(ini.open(QIODevice::WriteOnly) && ini.write("[.ShellClassInfo]\n") > 0);
    ini.close();
    ExportWindow window(ServiceId::Dropbox, {QUrl::fromLocalFile(upper), QUrl::fromLocalFile(lower), QUrl::fromLocalFile(ini.fileName())});
    QSignalSpy folders(&window, &ExportWindow::foldersLoaded);
    QSignalSpy finished(&window, &ExportWindow::uploadFinished);
    window.show();
    QVERIFY2(folders.wait(15000), qPrintable(window.statusLabel()->text()));
    window.folderCombo()->setCurrentText(QStringLiteral("/Clash"));
    QCOMPARE(window.conflictCombo()->currentData().toString(), QStringLiteral("replace"));
    window.startUpload();
    QVERIFY(finished.count() == 1 || finished.wait(30000));
    const auto state = [&window](int row) { return window.imageList()->topLevelItem(row)->text(ImageList::StateColumn); };
    QCOMPARE(state(0), QStringLiteral("uploaded"));
    QCOMPARE(state(1), QStringLiteral("uploaded as img_1 (2).jpg (on Dropbox, img_1.jpg is the name of another photo of this upload)"));
    QVERIFY2(state(2).startsWith(QStringLiteral("not stored: Dropbox does not store files named desktop.ini")), qPrintable(state(2)));
    // Counted as what happened; no advice to replace what the service never stores.
    QVERIFY2(window.summaryLabel()->text().startsWith(QStringLiteral("2 uploaded, 1 not stored.")), qPrintable(window.summaryLabel()->text()));
    QVERIFY2(!window.statusLabel()->text().contains(QStringLiteral("Replace it with this photo")), qPrintable(window.statusLabel()->text()));
    // What is on Dropbox: both photos, each with its own bytes, and no desktop.ini.
    const auto local = [](const QString& path) {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    };
    const auto onDropbox = [this](const QString& path) {
        const QString target = m_dir.filePath(QStringLiteral("stored-dropbox.bin"));
        QFile::remove(target);
        QProcess::execute(QStringLiteral("curl"),
                          {QStringLiteral("-sf"), QStringLiteral("-X"), QStringLiteral("POST"), QStringLiteral("-H"),
                           QStringLiteral("Authorization: Bearer dialog-token"), QStringLiteral("-H"),
                           QStringLiteral("Dropbox-API-Arg: {\"path\":\"%1\"}").arg(path),
                           QString::fromStdString(m_emulator->url()) + QStringLiteral("/2/files/download"), QStringLiteral("-o"), target});
        QFile file(target);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    };
    QCOMPARE(onDropbox(QStringLiteral("/Clash/IMG_1.JPG")), local(upper));
    QCOMPARE(onDropbox(QStringLiteral("/Clash/img_1 (2).jpg")), local(lower));
    QVERIFY(onDropbox(QStringLiteral("/Clash/desktop.ini")).isEmpty());
    shot(window, QStringLiteral("dialog_dropbox_names_clash.png"));
}

void DialogTest::logsInThroughTheBrowserAndRemembersTheAccount()
{
    // A configuration with no login yet. $BROWSER plays the user's browser; the
    // emulator consents at once and redirects to the engine's loopback listener
    // (OneDrive: any free port).
    ScopedEnv config("DKCLOUD_CONFIG_DIR", freshConfig(QStringLiteral("dkcloud-login")));
    ExportWindow window(ServiceId::OneDrive, {});
    QSignalSpy account(&window, &ExportWindow::accountChanged);
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(window.statusLabel()->text().contains(QStringLiteral("Not logged in")), 15000);
    // Words for the dialog: its own button, never a command to run.
    QVERIFY2(window.statusLabel()->text().contains(QStringLiteral("Click &quot;Log in&quot;")) &&
                 !window.statusLabel()->text().contains(QStringLiteral("dkcloud login")),
             qPrintable(window.statusLabel()->text()));
    QVERIFY(!window.startButton()->isEnabled());
    auto* login = window.findChild<QPushButton*>(QStringLiteral("loginButton"));
    QCOMPARE(login->text(), QStringLiteral("&Log in"));
    QTRY_VERIFY_WITH_TIMEOUT(login->isEnabled(), 5000);
    QTest::mouseClick(login, Qt::LeftButton);
    QVERIFY2(account.wait(30000), qPrintable(window.statusLabel()->text()));
    const QString name = window.accountLabel()->text();
    QVERIFY(!name.isEmpty() && name != QStringLiteral("not logged in"));
    QCOMPARE(login->text(), QStringLiteral("Change &Account"));
    auto* accounts = window.findChild<QComboBox*>(QStringLiteral("accountCombo"));
    QTRY_VERIFY_WITH_TIMEOUT(accounts->findText(name) >= 0, 10000);
    QCOMPARE(group(QStringLiteral("dkcloud OneDrive Settings")).readEntry("Account", QString()), name);
    // A new window finds the saved login without asking.
    {
        ExportWindow again(ServiceId::OneDrive, {});
        QSignalSpy againAccount(&again, &ExportWindow::accountChanged);
        QVERIFY(againAccount.wait(15000));
        QCOMPARE(again.accountLabel()->text(), name);
    }
    // Log out: confirmed in a question box, then the login is gone.
    QTRY_VERIFY_WITH_TIMEOUT(window.logoutButton()->isEnabled(), 10000);
    QTimer::singleShot(300, []() {
        if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget()))
            box->button(QMessageBox::Yes)->click();
    });
    QTest::mouseClick(window.logoutButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(window.accountLabel()->text(), QStringLiteral("not logged in"), 15000);
    QTRY_COMPARE_WITH_TIMEOUT(accounts->count(), 0, 10000);
    QVERIFY(window.statusLabel()->text().contains(QStringLiteral("Logged out of")));
    QCOMPARE(group(QStringLiteral("dkcloud OneDrive Settings")).readEntry("Account", QString()), QString());
    QVERIFY(!window.startButton()->isEnabled());
}

void DialogTest::aRememberedAccountWithoutLoginIsNotShown()
{
    // Settings name an account whose login the token store no longer holds.
    ScopedEnv config("DKCLOUD_CONFIG_DIR", freshConfig(QStringLiteral("dkcloud-ghost")));
    KConfigGroup settings = KSharedConfig::openConfig()->group(QStringLiteral("dkcloud Dropbox Settings"));
    settings.writeEntry("Account", QStringLiteral("ghost@example.com"));
    settings.sync();
    ExportWindow window(ServiceId::Dropbox, {});
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(window.statusLabel()->text().contains(QStringLiteral("Not logged in")), 15000);
    QCOMPARE(window.accountLabel()->text(), QStringLiteral("not logged in"));
    QTest::qWait(500);
    QCOMPARE(window.accountCombo()->findText(QStringLiteral("ghost@example.com")), -1);
    QVERIFY(!window.logoutButton()->isEnabled());
    shot(window, QStringLiteral("dialog_dropbox_not_logged_in.png"));
}

void DialogTest::aTakenLoginPortAsksForThePastedCode()
{
    // Dropbox matches redirect addresses exactly, so its loopback port is fixed;
    // here something else holds it. The browser gets the page that shows a code.
    const int squatter = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family      = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len        = sizeof(addr);
    QVERIFY(squatter >= 0 && ::bind(squatter, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 && ::listen(squatter, 1) == 0 &&
            ::getsockname(squatter, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    const QByteArray dir = freshConfig(QStringLiteral("dkcloud-paste"));
    ScopedEnv fresh("DKCLOUD_CONFIG_DIR", dir);
    QFile config(QString::fromUtf8(dir) + QStringLiteral("/config.toml"));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(QStringLiteral("[dropbox]\nredirect_port = %1\n").arg(ntohs(addr.sin_port)).toUtf8());
    config.close();
    const QString page = m_dir.filePath(QStringLiteral("code-page.html"));
    const QString browser = m_dir.filePath(QStringLiteral("show-page.sh"));
    QFile script(browser);
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write(QStringLiteral("#!/bin/sh\ncurl -s \"$1\" > '%1'\n").arg(page).toUtf8());
    script.close();
    script.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    ScopedEnv showPage("BROWSER", browser.toUtf8());

    ExportWindow window(ServiceId::Dropbox, {});
    QSignalSpy pasteAsked(&window, &ExportWindow::pasteCodeRequested);
    QSignalSpy account(&window, &ExportWindow::accountChanged);
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(window.loginButton()->isEnabled() && window.statusLabel()->text().contains(QStringLiteral("Not logged in")), 15000);
    // The person reads the code off the page and types it into the dialog's question.
    bool asked = false;
    int ticks  = 0;
    QTimer typist;
    connect(&typist, &QTimer::timeout, this, [&]() {
        auto* input = qobject_cast<QInputDialog*>(QApplication::activeModalWidget());
        if (input && ++ticks > 100)
        {
            input->reject(); // no page in 20 s: fail below rather than hang
            typist.stop();
            return;
        }
        QFile shown(page);
        if (!input || !shown.open(QIODevice::ReadOnly))
            return;
        const QString html   = QString::fromUtf8(shown.readAll());
        const QString marker = QStringLiteral("<code id=\"auth-code\">");
        const int at         = html.indexOf(marker);
        if (at < 0)
            return;
        asked = input->labelText().contains(QStringLiteral("code"));
        input->setTextValue(html.mid(at + marker.size(), html.indexOf(QLatin1Char('<'), at + marker.size()) - at - marker.size()));
        input->accept();
        typist.stop();
    });
    typist.start(200);
    QTest::mouseClick(window.loginButton(), Qt::LeftButton);
    QVERIFY2(account.wait(30000), qPrintable(window.statusLabel()->text()));
    QVERIFY(asked);
    QCOMPARE(pasteAsked.count(), 1);
    QVERIFY(window.accountLabel()->text() != QStringLiteral("not logged in"));
    ::close(squatter);
}

void DialogTest::smallThingsPhotosFolderIconsAndVersion()
{
    // Icons exist even without an icon theme (drawn ones).
    QVERIFY(!serviceIcon(ServiceId::OneDrive).isNull() && !serviceIcon(ServiceId::Dropbox).isNull());
    QVERIFY(!pluginIcon().isNull());
    const QString album = m_dir.filePath(QStringLiteral("album"));
    QDir().mkpath(album);
    QFile::copy(m_dir.filePath(QStringLiteral("red.jpg")), album + QStringLiteral("/red.jpg"));
    ExportWindow window(ServiceId::OneDrive, {QUrl::fromLocalFile(album + QStringLiteral("/red.jpg"))});
    window.show();
    // "+ Photos" opens where the listed photos are.
    QString shownDir;
    QTimer::singleShot(500, this, [&]() {
        if (auto* files = qobject_cast<QFileDialog*>(QApplication::activeModalWidget()))
        {
            shownDir = files->directory().absolutePath();
            files->reject();
        }
    });
    QTest::mouseClick(window.findChild<QPushButton*>(QStringLiteral("addPhotosButton")), Qt::LeftButton);
    QCOMPARE(shownDir, QFileInfo(album).absoluteFilePath());
    // The About box names dkcloud's own version.
    QString about;
    QTimer::singleShot(300, this, [&]() {
        if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget()))
        {
            about = box->text();
            box->accept();
        }
    });
    QTest::mouseClick(window.findChild<QPushButton*>(QStringLiteral("aboutButton")), Qt::LeftButton);
    QVERIFY2(about.contains(QStringLiteral("dkcloud %1").arg(dkcloudVersion())) && !dkcloudVersion().isEmpty(), qPrintable(about));
    // Help opens the handbook installed with the plugin (here the build
    // tree's, first on XDG_DATA_DIRS) in the web browser.
    UrlCatcher browser;
    QDesktopServices::setUrlHandler(QStringLiteral("file"), &browser, "open");
    QTest::mouseClick(window.findChild<QPushButton*>(QStringLiteral("helpButton")), Qt::LeftButton);
    QDesktopServices::unsetUrlHandler(QStringLiteral("file"));
    QCOMPARE(browser.opened.size(), 1);
    QFile handbook(browser.opened.first().toLocalFile());
    QVERIFY2(handbook.open(QIODevice::ReadOnly), qPrintable(browser.opened.first().toString()));
    QVERIFY(handbook.readAll().contains("<h2 id=\"sign-in\">Account and sign-in</h2>"));
}

void DialogTest::noAppRegisteredPointsAtItsOwnDialog()
{
    // The real services (no emulator) and no client id anywhere: nothing is
    // sent; the dialog points at its own App Registration, not at config files.
    const QByteArray emulator = qgetenv("DKCLOUD_EMULATOR");
    qunsetenv("DKCLOUD_EMULATOR");
    ScopedEnv config("DKCLOUD_CONFIG_DIR", freshConfig(QStringLiteral("dkcloud-unregistered")));
    ExportWindow window(ServiceId::OneDrive, {});
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(window.loginButton()->isEnabled() && window.statusLabel()->text().contains(QStringLiteral("Not logged in")), 15000);
    QTest::mouseClick(window.loginButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(window.statusLabel()->text().contains(QStringLiteral("App Registration...")), 15000);
    const QString text = window.statusLabel()->text();
    QVERIFY2(!text.contains(QStringLiteral("config.toml")) && !text.contains(QStringLiteral("README")) &&
                 !text.contains(QStringLiteral("DKCLOUD_")),
             qPrintable(text));
    shot(window, QStringLiteral("dialog_onedrive_no_app_registered.png"));
    qputenv("DKCLOUD_EMULATOR", emulator);
}

void DialogTest::withoutABrowserTheSignInAddressIsALink()
{
    // Neither $BROWSER nor xdg-open can be started: the dialog shows the
    // sign-in address as a link, and opening it by hand completes the login.
    ScopedEnv config("DKCLOUD_CONFIG_DIR", freshConfig(QStringLiteral("dkcloud-no-browser")));
    ScopedEnv browser("BROWSER", "/nonexistent/dkcloud-browser");
    ExportWindow window(ServiceId::OneDrive, {});
    QSignalSpy page(&window, &ExportWindow::signInPageOpened);
    QSignalSpy account(&window, &ExportWindow::accountChanged);
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(window.loginButton()->isEnabled() && window.statusLabel()->text().contains(QStringLiteral("Not logged in")), 15000);
    {
        ScopedEnv noPrograms("PATH", freshConfig(QStringLiteral("no-programs")));
        QTest::mouseClick(window.loginButton(), Qt::LeftButton);
        QVERIFY(page.wait(15000));
    }
    const QString url = page.first().at(0).toString();
    QCOMPARE(page.first().at(1).toBool(), false);
    QVERIFY2(url.startsWith(QString::fromStdString(m_emulator->url())) && url.contains(QStringLiteral("/authorize")), qPrintable(url));
    const QString status = window.statusLabel()->text();
    QVERIFY2(status.contains(QStringLiteral("Finish signing in in your web browser...")) &&
                 status.contains(QStringLiteral("No web browser could be started")) &&
                 status.contains(QStringLiteral("<a href=\"%1\">").arg(url.toHtmlEscaped())),
             qPrintable(status));
    QVERIFY(window.statusLabel()->textInteractionFlags() & Qt::LinksAccessibleByMouse);
    shot(window, QStringLiteral("dialog_onedrive_no_browser.png"));
    QCOMPARE(QProcess::execute(QStringLiteral("curl"), {QStringLiteral("-s"), QStringLiteral("-L"), QStringLiteral("-o"), QStringLiteral("/dev/null"), url}), 0);
    QVERIFY2(account.wait(30000), qPrintable(window.statusLabel()->text()));
    QVERIFY(window.accountLabel()->text() != QStringLiteral("not logged in"));
}

QTEST_MAIN(DialogTest)
#include "dialog_test.moc"
