#include "exportwindow.h"

#include "exportwidget.h"
#include "hostconfig.h"
#include "imagelist.h"
#include "progresswindow.h"
#include "registrationwording.h"
#include "talker.h"
#include "wording.h"

#include <KLocalizedString>

#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QLoggingCategory>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTimer>
#include <QVBoxLayout>

Q_LOGGING_CATEGORY(DKCLOUD_LOG, "dkcloud.plugin", QtInfoMsg)

namespace DkCloud
{

namespace
{

ffi::UploadOptions uploadOptions(const ExportSettings& settings)
{
    ffi::UploadOptions options;
    options.resize          = settings.resize;
    options.jpeg_quality    = static_cast<uint32_t>(settings.jpegQuality);
    options.max_dimension   = static_cast<uint32_t>(settings.maxDimension);
    options.upload_original = settings.uploadOriginal;
    // The job's record says who started it, should it have to be offered again.
    options.started_by      = toRust(QCoreApplication::applicationName());
    return options;
}

} // namespace

ExportWindow::ExportWindow(ServiceId service, const QList<QUrl>& items, QWidget* parent)
    : QDialog(parent)
    , m_service(service)
    , m_settings(ExportSettings::load(service))
    , m_talker(new Talker(service, this))
{
    qRegisterMetaType<DkCloud::UploadResult>();
    setObjectName(QStringLiteral("dkcloudExportWindow"));
    setWindowTitle(i18nc("@title:window export window", "Export to %1", serviceInfo(service).name));
    setWindowIcon(serviceIcon(service));
    setModal(false);
    m_ui = new ExportWidget(this);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_ui);
    resize(1100, 760);
    m_view = std::make_unique<UploadProgressView>(service, m_ui);
    connectWidgets();
    connectTalker();
    m_ui->showSettings(m_settings);
    ExportSettings::applyUploadLimit(m_settings.uploadLimit);
    updateButtons();
    addItems(items);
    openSession();
}

ExportWindow::~ExportWindow()
{
    saveSettings();
    // Still uploading only when the host quits (closing asks first): the
    // upload stops to be resumed, its open sessions kept.
    m_talker->abandonUpload(3000);
}

bool ExportWindow::isUploading() const
{
    return m_talker->isUploading();
}

void ExportWindow::connectWidgets()
{
    connect(m_ui, &ExportWidget::choicesChanged, this, &ExportWindow::somethingChanged);
    // The limit holds for the uploads already running too, and is kept at
    // once for the queue tools and the next windows.
    connect(m_ui, &ExportWidget::uploadLimitChanged, this, [](int kibPerSecond) {
        ExportSettings::applyUploadLimit(kibPerSecond);
        ExportSettings::saveUploadLimit(kibPerSecond);
    });
    connect(m_ui->addPhotosButton(), &QPushButton::clicked, this, &ExportWindow::addPhotosFromDisk);
    connect(m_ui->loginButton(), &QPushButton::clicked, this, &ExportWindow::logIn);
    connect(m_ui->logoutButton(), &QPushButton::clicked, this, &ExportWindow::logOut);
    connect(m_ui->registrationButton(), &QPushButton::clicked, this, &ExportWindow::editRegistration);
    connect(m_ui->accountCombo(), QOverload<int>::of(&QComboBox::activated), this, &ExportWindow::switchAccount);
    connect(m_ui->newAlbumButton(), &QPushButton::clicked, this, &ExportWindow::askNewFolder);
    connect(m_ui->reloadButton(), &QPushButton::clicked, this, &ExportWindow::reloadFolders);
    connect(m_ui->startButton(), &QPushButton::clicked, this, &ExportWindow::startUpload);
    connect(m_ui->closeButton(), &QPushButton::clicked, this, &ExportWindow::reject);
    connect(m_ui->resumeButton(), &QPushButton::clicked, this, &ExportWindow::resumeUnfinished);
    connect(m_ui->discardButton(), &QPushButton::clicked, this, &ExportWindow::discardUnfinished);
    auto* share = new QMenu(m_ui->shareButton());
    share->setObjectName(QStringLiteral("shareMenu"));
    share->addAction(i18nc("@action:inmenu export window", "&View link (anyone with it can see the photos)"), this, [this]() { shareLink(false, 0); });
    share->addAction(i18nc("@action:inmenu export window", "&Edit link (anyone with it can change them)"), this, [this]() { shareLink(true, 0); });
    share->addAction(i18nc("@action:inmenu export window", "View link for &7 days"), this, [this]() { shareLink(false, 7); });
    m_ui->shareButton()->setMenu(share);
}

ImageList* ExportWindow::imageList() const { return m_ui->imageList(); }
QComboBox* ExportWindow::folderCombo() const { return m_ui->folderCombo(); }
QPushButton* ExportWindow::startButton() const { return m_ui->startButton(); }
QPushButton* ExportWindow::loginButton() const { return m_ui->loginButton(); }
QPushButton* ExportWindow::logoutButton() const { return m_ui->logoutButton(); }
QComboBox* ExportWindow::accountCombo() const { return m_ui->accountCombo(); }
QComboBox* ExportWindow::conflictCombo() const { return m_ui->conflictCombo(); }
QLabel* ExportWindow::accountLabel() const { return m_ui->accountName(); }
QLabel* ExportWindow::statusLabel() const { return m_ui->statusLabel(); }
QLabel* ExportWindow::summaryLabel() const { return m_ui->summaryLabel(); }
QProgressBar* ExportWindow::progressBar() const { return m_ui->progressBar(); }

void ExportWindow::saveSettings()
{
    m_ui->readSettings(m_settings);
    m_settings.save(m_service);
}

QList<QUrl> ExportWindow::items() const
{
    return m_ui->imageList()->urls();
}

void ExportWindow::addItems(const QList<QUrl>& items)
{
    m_ui->imageList()->addUrls(items);
    somethingChanged();
    QStringList paths;
    for (const QUrl& url : this->items())
        paths << url.toLocalFile();
    qCInfo(DKCLOUD_LOG).noquote() << "export window" << serviceInfo(m_service).name << "items:" << paths.join(QStringLiteral(", "));
    updateButtons();
}

void ExportWindow::setNotice(const QString& text)
{
    m_ui->noticeLabel()->setText(text);
    m_ui->noticeLabel()->setVisible(!text.isEmpty());
}

void ExportWindow::showError(const QString& what, const EngineFailure& failure)
{
    qCWarning(DKCLOUD_LOG).noquote() << what << failure.error;
    const QString text = explainError(m_service, failure);
    m_ui->statusLabel()->setText(QStringLiteral("<b>%1</b> %2").arg(what.toHtmlEscaped(), text.toHtmlEscaped()));
    // The engine's own words stay reachable, for a bug report.
    m_ui->statusLabel()->setToolTip(failure.error);
    // A permission added to the app since reaches only a new login.
    if (fixNeedsNewLogin(failure.issue))
        m_ui->loginButton()->setText(i18nc("@action:button export window", "Log in &again"));
}

void ExportWindow::somethingChanged()
{
    // A new list or new options: the marks of the last run no longer describe it.
    if (m_finishedUnchanged)
    {
        m_finishedUnchanged = false;
        m_ui->imageList()->setAllStates(QString());
        m_ui->summaryLabel()->clear();
    }
    updateButtons();
}

void ExportWindow::setBusy(bool busy)
{
    m_busy += busy ? 1 : -1;
    updateButtons();
}

void ExportWindow::updateButtons()
{
    const bool uploading = isUploading();
    const bool idle      = !uploading && m_busy == 0;
    const bool session   = m_talker->hasSession();
    const bool resize    = m_ui->resizeCheck()->isChecked();
    m_ui->qualitySpin()->setEnabled(resize && !uploading);
    m_ui->dimensionSpin()->setEnabled(resize && !uploading);
    m_ui->resizeCheck()->setEnabled(!uploading);
    m_ui->originalCheck()->setEnabled(!uploading);
    m_ui->newAlbumButton()->setEnabled(idle && session);
    m_ui->shareButton()->setEnabled(idle && session && m_loggedIn);
    m_ui->resumeButton()->setEnabled(idle && session && m_loggedIn);
    m_ui->discardButton()->setEnabled(idle && session);
    m_ui->reloadButton()->setEnabled(idle && session);
    m_ui->loginButton()->setEnabled(!uploading && session);
    m_ui->logoutButton()->setEnabled(idle && session && m_loggedIn);
    m_ui->accountCombo()->setEnabled(!uploading);
    m_ui->conflictCombo()->setEnabled(!uploading);
    // After a run, Start Upload waits for a change (photos, album or options):
    // pressing it again would only repeat what the list already shows.
    m_ui->startButton()->setEnabled(idle && session && m_loggedIn && m_ui->imageList()->topLevelItemCount() > 0 &&
                                    !m_finishedUnchanged);
}

// -- albums

void ExportWindow::connectFolders()
{
    connect(m_talker, &Talker::foldersListed, this, [this](const QStringList& folders) {
        setBusy(false);
        showFolders(folders);
    });
    connect(m_talker, &Talker::foldersFailed, this, [this](const EngineFailure& failure) {
        setBusy(false);
        showError(i18nc("@info:status export window", "Cannot list albums:"), failure);
        Q_EMIT foldersFailed(failure.error);
    });
    connect(m_talker, &Talker::folderCreated, this, [this](const QString& created) {
        setBusy(false);
        QComboBox* combo = m_ui->folderCombo();
        if (combo->findText(created) < 0)
            combo->addItem(QIcon::fromTheme(QStringLiteral("folder")), created);
        combo->setCurrentText(created);
        m_ui->statusLabel()->setText(i18nc("@info:status export window", "Album %1 is ready.", created));
        Q_EMIT folderCreated(created);
    });
    connect(m_talker, &Talker::folderFailed, this, [this](const EngineFailure& failure) {
        setBusy(false);
        showError(i18nc("@info:status export window", "Cannot create the album:"), failure);
    });
}

void ExportWindow::reloadFolders()
{
    if (!m_talker->hasSession())
        return;
    setBusy(true);
    m_talker->listFolders();
}

void ExportWindow::showFolders(const QStringList& folders)
{
    QComboBox* combo   = m_ui->folderCombo();
    const QString keep = combo->currentText().isEmpty() ? m_settings.folder : combo->currentText();
    combo->clear();
    for (const QString& path : folders)
        combo->addItem(QIcon::fromTheme(QStringLiteral("folder")), path);
    if (combo->findText(keep) < 0)
        combo->addItem(QIcon::fromTheme(QStringLiteral("folder-new")), keep);
    combo->setCurrentText(keep);
    Q_EMIT foldersLoaded(combo->count());
}

void ExportWindow::askNewFolder()
{
    bool ok              = false;
    const QString parent = m_ui->folderCombo()->currentText().trimmed();
    const QString path   = QInputDialog::getText(this, i18nc("@title:window export window", "New Album"),
                                               i18nc("@info export window", "Album path (use / for nested albums):"), QLineEdit::Normal,
                                               (parent.endsWith(QLatin1Char('/')) ? parent : parent + QLatin1Char('/')), &ok);
    if (ok && !path.trimmed().isEmpty())
        createFolder(path.trimmed());
}

void ExportWindow::createFolder(const QString& path)
{
    if (!m_talker->hasSession())
        return;
    setBusy(true);
    m_talker->createFolder(path);
}

// -- photos and upload

void ExportWindow::addPhotosFromDisk()
{
    // Start where the listed photos are (the album's folder), else in Pictures.
    const QList<QUrl> listed = items();
    const QString start = listed.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::PicturesLocation)
                                           : QFileInfo(listed.first().toLocalFile()).absolutePath();
    const QStringList files = QFileDialog::getOpenFileNames(
        this, i18nc("@title:window export window", "Add Photos"), start,
        i18nc("@info export window", "Images (*.jpg *.jpeg *.png *.tif *.tiff *.heic *.webp *.dng *.cr2 *.nef *.arw);;All files (*)"));
    QList<QUrl> urls;
    for (const QString& file : files)
        urls << QUrl::fromLocalFile(file);
    addItems(urls);
}

void ExportWindow::connectUpload()
{
    connect(m_talker, &Talker::uploadStarted, this, &ExportWindow::runStarted);
    connect(m_talker, &Talker::uploadRefused, this, [this](const EngineFailure& failure) {
        showError(m_resuming ? i18nc("@info export window", "Cannot resume the upload:") : i18nc("@info export window", "Cannot start the upload:"), failure);
        Q_EMIT uploadRefused(failure.error);
    });
    connect(m_talker, &Talker::fileChanged, this, &ExportWindow::onFileChanged);
    connect(m_talker, &Talker::uploadProgress, this, [this](const ffi::JobProgress& p) {
        m_lastProgress = p;
        m_view->progress(p);
        if (m_background && p.bytes_total > 0)
            m_background->update(int(p.bytes_sent * 1000 / p.bytes_total), progressText(p));
    });
    connect(m_talker, &Talker::uploadFinished, this, &ExportWindow::onFinished);
}

void ExportWindow::startUpload()
{
    if (!m_talker->hasSession() || isUploading())
        return;
    const QList<QUrl> urls = items();
    if (urls.isEmpty())
        return;
    saveSettings();
    m_resuming = false;
    m_talker->startUpload(urls, m_settings.folder, uploadOptions(m_settings), m_settings.conflict);
}

void ExportWindow::runStarted()
{
    m_lastProgress = ffi::JobProgress();
    m_lastProgress.files_total = static_cast<size_t>(items().size());
    m_ui->resumeBar()->hide();
    m_view->started();
    updateButtons();
    Q_EMIT uploadStarted();
}

void ExportWindow::onFileChanged(const ffi::FileEvent& event)
{
    const FileStateText state = m_view->fileChanged(event);
    if (state.text.isEmpty())
        return;
    const int row          = static_cast<int>(event.index);
    const QList<QUrl> urls = items();
    const QString local    = row < urls.size() ? urls.at(row).toLocalFile() : QString();
    if (event.state == ffi::FileState::Failed)
        qCWarning(DKCLOUD_LOG).noquote() << local << "failed:" << toQString(event.message);
    Q_EMIT fileFinished(local, state.name, toQString(event.remote_path));
}

void ExportWindow::onFinished(const ffi::JobSummary& summary)
{
    m_view->finished(summary);
    qCInfo(DKCLOUD_LOG).noquote() << "upload finished:" << summaryText(m_service, summary);
    const UploadResult result = uploadResult(summary);
    // A run that ended with every photo in place waits for a change before
    // it can be repeated; failures can be retried at once.
    m_finishedUnchanged = result.complete();
    updateButtons();
    Q_EMIT uploadFinished(result);
    if (m_background)
    {
        m_background->finish(summaryHtml(m_service, summary), result.complete(), result.folderUrl);
        m_background.reset();
        // Its job is done: the plugin's window goes away (WA_DeleteOnClose).
        close();
    }
}

QString ExportWindow::runningUploadText() const
{
    return i18nc("@info export window", "%1 to %2", ofPhotos(qint64(m_lastProgress.files_done), qint64(m_lastProgress.files_total)), m_settings.folder);
}

// -- an upload that goes on after the window closes

void ExportWindow::askAboutRunningUpload()
{
    if (m_closeQuestion)
    {
        m_closeQuestion->raise();
        return;
    }
    const QString name = serviceInfo(m_service).name;
    auto* box          = new QMessageBox(QMessageBox::Question, i18nc("@title:window export window", "Upload in progress"),
                                         i18nc("@info export window", "The upload to %1 is still running: %2.", name, runningUploadText()),
                                         QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("closeDuringUploadQuestion"));
    box->setInformativeText(i18nc("@info export window", "Keep uploading in the background while you work, or stop the upload now? "
        "Photos already stored stay on %1.", name));
    QPushButton* keep = box->addButton(i18nc("@action:button export window", "&Keep Uploading in Background"), QMessageBox::AcceptRole);
    QPushButton* stop = box->addButton(i18nc("@action:button export window", "&Stop Upload"), QMessageBox::DestructiveRole);
    QPushButton* back = box->addButton(i18nc("@action:button export window", "&Return to the Upload"), QMessageBox::RejectRole);
    keep->setObjectName(QStringLiteral("keepInBackgroundButton"));
    stop->setObjectName(QStringLiteral("stopUploadButton"));
    back->setObjectName(QStringLiteral("returnToUploadButton"));
    box->setDefaultButton(keep);
    box->setEscapeButton(back);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, keep, stop](QAbstractButton* button) {
        if (!isUploading())
        {
            // It ended while the question was open: only closing is left to do.
            if (button == keep || button == stop)
                close();
            return;
        }
        if (button == keep)
            keepUploadingInBackground();
        else if (button == stop)
            stopUpload();
    });
    m_closeQuestion = box;
    box->open();
    Q_EMIT closeQuestionShown();
}

void ExportWindow::keepUploadingInBackground()
{
    if (!isUploading() || m_background)
        return;
    saveSettings();
    m_background = m_backgroundFactory ? m_backgroundFactory(*this)
                                       : std::make_unique<ProgressWindow>(serviceInfo(m_service).name, this);
    m_background->onStop = [this]() { stopUpload(); };
    // Later, not inside the click: showing the window again ends the background view.
    m_background->onShow = [this]() {
        QTimer::singleShot(0, this, [this]() {
            show();
            raise();
            activateWindow();
        });
    };
    if (m_lastProgress.bytes_total > 0)
        m_background->update(int(m_lastProgress.bytes_sent * 1000 / m_lastProgress.bytes_total), progressText(m_lastProgress));
    else
        m_background->update(0, runningUploadText());
    hide();
    qCInfo(DKCLOUD_LOG).noquote() << "upload to" << serviceInfo(m_service).name << "goes on in the background:" << runningUploadText();
    Q_EMIT movedToBackground();
}

void ExportWindow::stopUpload()
{
    if (!isUploading())
        return;
    m_ui->statusLabel()->setText(i18nc("@info:status export window", "Cancelling..."));
    m_talker->cancelUpload();
}

void ExportWindow::showEvent(QShowEvent* event)
{
    // Back in front (Show Details, or the menu entry again): the window shows the progress itself.
    m_background.reset();
    QDialog::showEvent(event);
}

void ExportWindow::stopToResumeLater()
{
    m_talker->suspendUpload();
}

// -- closing

void ExportWindow::reject()
{
    if (isUploading())
    {
        // Close, Escape: ask whether the upload goes on in the background or stops.
        askAboutRunningUpload();
        return;
    }
    saveSettings();
    QDialog::reject();
}

void ExportWindow::closeEvent(QCloseEvent* event)
{
    if (isUploading())
    {
        event->ignore();
        askAboutRunningUpload();
        return;
    }
    saveSettings();
    QDialog::closeEvent(event);
}

} // namespace DkCloud
