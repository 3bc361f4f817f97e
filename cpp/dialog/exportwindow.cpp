#include "exportwindow.h"

#include "hostconfig.h"
#include "imagelist.h"
#include "registrationdialog.h"
#include "testhook.h"
#include "wording.h"

#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QVBoxLayout>

Q_LOGGING_CATEGORY(DKCLOUD_LOG, "dkcloud.plugin", QtInfoMsg)

namespace DkCloud
{

ExportWindow::ExportWindow(ServiceId service, const QList<QUrl>& items, QWidget* parent)
    : QDialog(parent)
    , m_service(service)
    , m_settings(ExportSettings::load(service))
{
    setObjectName(QStringLiteral("dkcloudExportWindow"));
    setWindowTitle(tr("Export to %1").arg(serviceInfo(service).name));
    setWindowIcon(serviceIcon(service));
    setModal(false);
    buildUi();
    loadSettings();
    addItems(items);
    writeTestHook(QStringLiteral("opened"));
    openSession();
}

ExportWindow::~ExportWindow()
{
    saveSettings();
    stopJob(3000);
    if (m_loginEvents)
        m_loginEvents->detach();
    if (m_session)
        (*m_session)->cancelLogin();
}

void ExportWindow::buildUi()
{
    const ServiceInfo& info = serviceInfo(m_service);

    // Left: the photos.
    m_list          = new ImageList(this);
    auto* addPhotos = new QPushButton(QIcon::fromTheme(QStringLiteral("list-add")), tr("+ Photos"), this);
    addPhotos->setObjectName(QStringLiteral("addPhotosButton"));
    addPhotos->setToolTip(tr("Add photos from disk"));
    auto* remove = new QPushButton(QIcon::fromTheme(QStringLiteral("list-remove")), QStringLiteral("\u2212"), this);
    remove->setObjectName(QStringLiteral("removePhotosButton"));
    remove->setToolTip(tr("Remove the selected photos from the list"));
    connect(addPhotos, &QPushButton::clicked, this, &ExportWindow::addPhotosFromDisk);
    connect(remove, &QPushButton::clicked, this, [this]() {
        m_list->removeSelected();
        somethingChanged();
    });
    auto* listButtons = new QHBoxLayout;
    listButtons->addStretch();
    listButtons->addWidget(addPhotos);
    listButtons->addWidget(remove);
    listButtons->addStretch();
    auto* left = new QVBoxLayout;
    left->addWidget(m_list, 1);
    left->addLayout(listButtons);

    // Right: account.
    auto* accountBox = new QGroupBox(tr("Account"), this);
    m_accountName    = new QLabel(tr("not logged in"), accountBox);
    m_accountName->setObjectName(QStringLiteral("accountName"));
    m_accounts = new QComboBox(accountBox);
    m_accounts->setObjectName(QStringLiteral("accountCombo"));
    m_accounts->setToolTip(tr("Accounts you logged in with before"));
    m_login = new QPushButton(tr("&Log in"), accountBox);
    m_login->setObjectName(QStringLiteral("loginButton"));
    m_logout = new QPushButton(tr("Log &out"), accountBox);
    m_logout->setObjectName(QStringLiteral("logoutButton"));
    m_logout->setToolTip(tr("Forget this account: its login is deleted from this computer"));
    auto* registration = new QPushButton(QIcon::fromTheme(QStringLiteral("configure")), tr("App Registration..."), accountBox);
    registration->setObjectName(QStringLiteral("registrationButton"));
    auto* accountForm = new QFormLayout;
    accountForm->addRow(tr("Name:"), m_accountName);
    accountForm->addRow(tr("Accounts:"), m_accounts);
    auto* accountLayout = new QVBoxLayout(accountBox);
    accountLayout->addLayout(accountForm);
    auto* accountButtons = new QHBoxLayout;
    accountButtons->addWidget(m_login, 1);
    accountButtons->addWidget(m_logout);
    accountButtons->addWidget(registration);
    accountLayout->addLayout(accountButtons);
    connect(m_login, &QPushButton::clicked, this, &ExportWindow::logIn);
    connect(m_logout, &QPushButton::clicked, this, &ExportWindow::logOut);
    connect(registration, &QPushButton::clicked, this, &ExportWindow::editRegistration);
    connect(m_accounts, QOverload<int>::of(&QComboBox::activated), this, [this](int index) {
        const QString chosen = m_accounts->itemText(index);
        if (chosen != m_settings.account)
        {
            m_settings.account = chosen;
            openSession();
        }
    });

    // Right: album.
    auto* albumBox = new QGroupBox(tr("Album"), this);
    m_folders      = new QComboBox(albumBox);
    m_folders->setObjectName(QStringLiteral("folderCombo"));
    m_folders->setEditable(true);
    m_folders->setInsertPolicy(QComboBox::NoInsert);
    m_newFolder = new QPushButton(tr("&New Album"), albumBox);
    m_newFolder->setObjectName(QStringLiteral("newAlbumButton"));
    m_reload = new QPushButton(tr("&Reload"), albumBox);
    m_reload->setObjectName(QStringLiteral("reloadButton"));
    auto* albumForm = new QFormLayout;
    albumForm->addRow(tr("Album:"), m_folders);
    auto* albumButtons = new QHBoxLayout;
    albumButtons->addStretch();
    albumButtons->addWidget(m_newFolder);
    albumButtons->addWidget(m_reload);
    auto* albumLayout = new QVBoxLayout(albumBox);
    albumLayout->addLayout(albumForm);
    albumLayout->addLayout(albumButtons);
    connect(m_newFolder, &QPushButton::clicked, this, &ExportWindow::askNewFolder);
    connect(m_reload, &QPushButton::clicked, this, &ExportWindow::reloadFolders);
    connect(m_folders, &QComboBox::currentTextChanged, this, &ExportWindow::somethingChanged);

    // Right: options.
    auto* optionsBox = new QGroupBox(tr("Options"), this);
    m_original       = new QCheckBox(tr("Upload original image file"), optionsBox);
    m_original->setObjectName(QStringLiteral("originalCheck"));
    m_resize = new QCheckBox(tr("Resize photos before uploading"), optionsBox);
    m_resize->setObjectName(QStringLiteral("resizeCheck"));
    m_quality = new QSpinBox(optionsBox);
    m_quality->setObjectName(QStringLiteral("qualitySpin"));
    m_quality->setRange(1, 100);
    m_quality->setValue(90);
    m_dimension = new QSpinBox(optionsBox);
    m_dimension->setObjectName(QStringLiteral("dimensionSpin"));
    m_dimension->setRange(16, 20000);
    m_dimension->setSingleStep(100);
    m_dimension->setValue(1600);
    m_dimension->setSuffix(tr(" px"));
    auto* optionsForm = new QFormLayout;
    optionsForm->addRow(tr("JPEG Quality:"), m_quality);
    optionsForm->addRow(tr("Maximum Dimension:"), m_dimension);
    optionsForm->setContentsMargins(24, 0, 0, 0);
    // A different photo of the same name in the album (an edited one, say).
    // Identical photos are never sent again, whatever is chosen here.
    m_conflict = new QComboBox(optionsBox);
    m_conflict->setObjectName(QStringLiteral("conflictCombo"));
    // Its longest choice must not widen the whole column (the list needs the room).
    m_conflict->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_conflict->setMinimumContentsLength(18);
    m_conflict->addItem(tr("Replace it with this photo"), QStringLiteral("replace"));
    m_conflict->addItem(tr("Keep both (store this one under a new name)"), QStringLiteral("rename"));
    m_conflict->addItem(tr("Skip this photo"), QStringLiteral("skip"));
    m_conflict->setToolTip(tr("When the album already has a different file of the same name, e.g. after you edited "
                              "a photo. Identical photos are recognised by their hash and never sent twice."));
    auto* conflictForm = new QFormLayout;
    conflictForm->addRow(tr("If a photo is already there:"), m_conflict);
    auto* optionsLayout = new QVBoxLayout(optionsBox);
    optionsLayout->addWidget(m_original);
    optionsLayout->addWidget(m_resize);
    optionsLayout->addLayout(optionsForm);
    optionsLayout->addLayout(conflictForm);
    connect(m_conflict, QOverload<int>::of(&QComboBox::currentIndexChanged), this, &ExportWindow::somethingChanged);
    connect(m_quality, QOverload<int>::of(&QSpinBox::valueChanged), this, &ExportWindow::somethingChanged);
    connect(m_dimension, QOverload<int>::of(&QSpinBox::valueChanged), this, &ExportWindow::somethingChanged);
    connect(m_resize, &QCheckBox::toggled, this, &ExportWindow::somethingChanged);
    connect(m_original, &QCheckBox::toggled, this, [this](bool on) {
        if (on)
            m_resize->setChecked(false);
        somethingChanged();
    });
    connect(m_resize, &QCheckBox::toggled, this, [this](bool on) {
        if (on)
            m_original->setChecked(false);
    });

    m_notice = new QLabel(this);
    m_notice->setObjectName(QStringLiteral("clashNotice"));
    m_notice->setWordWrap(true);
    m_notice->setStyleSheet(QStringLiteral("QLabel { color: #9a5b00; }"));
    m_notice->hide();

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("statusLabel"));
    m_status->setWordWrap(true);
    // Selectable, and its links open (the sign-in page when no browser could be started).
    m_status->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_status->setOpenExternalLinks(true);

    auto* right = new QVBoxLayout;
    right->addWidget(accountBox);
    right->addWidget(albumBox);
    right->addWidget(optionsBox);
    right->addWidget(m_notice);
    right->addWidget(m_status);
    right->addStretch();

    auto* panes = new QHBoxLayout;
    panes->addLayout(left, 3);
    panes->addLayout(right, 2);

    // Bottom: progress and buttons.
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("totalProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setTextVisible(true);
    m_progress->setFormat(QStringLiteral("%p%"));
    m_rate = new QLabel(this);
    m_rate->setObjectName(QStringLiteral("rateLabel"));
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("summaryLabel"));
    m_summary->setOpenExternalLinks(true);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);

    m_start = new QPushButton(QIcon::fromTheme(QStringLiteral("network-workgroup")), tr("&Start Upload"), this);
    m_start->setObjectName(QStringLiteral("startButton"));
    m_start->setDefault(true);
    m_close = new QPushButton(QIcon::fromTheme(QStringLiteral("window-close")), tr("&Close"), this);
    m_close->setObjectName(QStringLiteral("closeButton"));
    connect(m_start, &QPushButton::clicked, this, &ExportWindow::startUpload);
    connect(m_close, &QPushButton::clicked, this, &ExportWindow::reject);
    auto* about = new QPushButton(QIcon::fromTheme(QStringLiteral("help-about")), tr("About..."), this);
    about->setObjectName(QStringLiteral("aboutButton"));
    connect(about, &QPushButton::clicked, this, [this]() {
        QMessageBox::about(this, tr("About dkcloud"),
                           tr("<p><b>dkcloud %1</b> exports photos from digiKam to OneDrive and Dropbox.</p>"
                              "<p>Sign in once in your browser; uploads are resumable, run several at a "
                              "time and are checked against the service's hash.</p>"
                              "<p>License: GPL-2.0-or-later</p>")
                               .arg(dkcloudVersion()));
    });

    auto* progressRow = new QHBoxLayout;
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_rate);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_start);
    buttons->addWidget(m_close);
    buttons->addWidget(about);

    // The summary gets a line of its own: it may wrap without being cut off.
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(panes, 1);
    layout->addLayout(progressRow);
    layout->addWidget(m_summary);
    layout->addLayout(buttons);
    resize(1100, 680);
    Q_UNUSED(info);
}

void ExportWindow::loadSettings()
{
    m_resize->setChecked(m_settings.resize);
    m_quality->setValue(m_settings.jpegQuality);
    m_dimension->setValue(m_settings.maxDimension);
    m_original->setChecked(m_settings.uploadOriginal && !m_settings.resize);
    m_conflict->setCurrentIndex(qMax(0, m_conflict->findData(m_settings.conflict)));
    m_folders->addItem(m_settings.folder);
    updateButtons();
}

void ExportWindow::saveSettings()
{
    m_settings.resize         = m_resize->isChecked();
    m_settings.jpegQuality    = m_quality->value();
    m_settings.maxDimension   = m_dimension->value();
    m_settings.uploadOriginal = m_original->isChecked();
    m_settings.conflict       = m_conflict->currentData().toString();
    const QString folder      = m_folders->currentText().trimmed();
    if (!folder.isEmpty())
        m_settings.folder = folder;
    m_settings.save(m_service);
}

QList<QUrl> ExportWindow::items() const
{
    return m_list->urls();
}

void ExportWindow::addItems(const QList<QUrl>& items)
{
    m_list->addUrls(items);
    somethingChanged();
    QStringList paths;
    for (const QUrl& url : m_list->urls())
        paths << url.toLocalFile();
    qCInfo(DKCLOUD_LOG).noquote() << "export window" << serviceInfo(m_service).name << "items:" << paths.join(QStringLiteral(", "));
    updateButtons();
}

void ExportWindow::setNotice(const QString& text)
{
    m_notice->setText(text);
    m_notice->setVisible(!text.isEmpty());
}

void ExportWindow::showError(const QString& what, ffi::ErrorKind kind, const QString& detail)
{
    qCWarning(DKCLOUD_LOG).noquote() << what << detail;
    const QString text = explainError(m_service, kind, detail);
    m_status->setText(QStringLiteral("<b>%1</b> %2").arg(what.toHtmlEscaped(), text.toHtmlEscaped()));
    // The engine's own words stay reachable, for a bug report.
    m_status->setToolTip(detail);
}

void ExportWindow::somethingChanged()
{
    // A new list or new options: the marks of the last run no longer describe it.
    if (m_finishedUnchanged)
    {
        m_finishedUnchanged = false;
        m_list->setAllStates(QString());
        m_summary->clear();
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
    m_quality->setEnabled(m_resize->isChecked() && !uploading);
    m_dimension->setEnabled(m_resize->isChecked() && !uploading);
    m_resize->setEnabled(!uploading);
    m_original->setEnabled(!uploading);
    m_newFolder->setEnabled(idle && m_session);
    m_reload->setEnabled(idle && m_session);
    m_login->setEnabled(!uploading && m_session);
    m_logout->setEnabled(idle && m_session && m_loggedIn);
    m_accounts->setEnabled(!uploading);
    m_conflict->setEnabled(!uploading);
    // After a run, Start Upload waits for a change (photos, album or options):
    // pressing it again would only repeat what the list already shows.
    m_start->setEnabled(idle && m_session && m_loggedIn && m_list->topLevelItemCount() > 0 && !m_finishedUnchanged);
}

void ExportWindow::openSession()
{
    const ServiceInfo& info = serviceInfo(m_service);
    ffi::AppRegistration registration;
    registration.client_id     = toRust(m_settings.clientId);
    registration.tenant        = toRust(m_settings.tenant);
    const ffi::Service service = engineService();

    m_loggedIn            = false;
    const QString account = m_settings.account;
    auto session          = callEngine<rust::Box<ffi::ExportSession>>(
        [&]() { return ffi::openSession(service, registration, toRust(account)); });
    if (!session.ok())
    {
        m_session.reset();
        showError(tr("Cannot use %1:").arg(info.name), session.kind, session.error);
        updateButtons();
        return;
    }
    m_session = std::make_shared<rust::Box<ffi::ExportSession>>(std::move(*session.value));
    updateButtons();
    refreshAccount();
}

ffi::Service ExportWindow::engineService() const
{
    return m_service == ServiceId::OneDrive ? ffi::Service::OneDrive : ffi::Service::Dropbox;
}

void ExportWindow::refreshAccounts()
{
    // The combo lists the logins the token store still holds, never a name
    // that is only remembered in the settings.
    const ffi::Service service = engineService();
    runInBackground<rust::Vec<rust::String>>(
        this, [service]() { return ffi::accounts(service); },
        [this](const Outcome<rust::Vec<rust::String>>& outcome) {
            m_accounts->clear();
            if (!outcome.ok())
            {
                qCWarning(DKCLOUD_LOG).noquote() << "cannot list the stored logins:" << outcome.error;
                return;
            }
            for (const auto& name : *outcome.value)
                m_accounts->addItem(toQString(name));
            const QString current = m_loggedIn ? m_accountName->text() : QString();
            m_accounts->setCurrentIndex(m_accounts->findText(current));
        });
}

void ExportWindow::showLoggedOut()
{
    m_loggedIn = false;
    m_accountName->setText(tr("not logged in"));
    m_login->setText(tr("&Log in"));
    updateButtons();
}

void ExportWindow::refreshAccount()
{
    if (!m_session)
        return;
    auto session = m_session;
    setBusy(true);
    m_status->setText(tr("Connecting to %1...").arg(serviceInfo(m_service).name));
    runInBackground<rust::String>(
        this, [session]() { return (*session)->accountName(); },
        [this](const Outcome<rust::String>& outcome) {
            setBusy(false);
            if (!outcome.ok())
            {
                showLoggedOut();
                refreshAccounts();
                showError(tr("Not logged in:"), outcome.kind, outcome.error);
                writeTestHook(QStringLiteral("account-error error=%1").arg(outcome.error));
                return;
            }
            const QString name = toQString(*outcome.value);
            m_loggedIn         = true;
            m_accountName->setText(name);
            m_login->setText(tr("Change &Account"));
            m_status->clear();
            refreshAccounts();
            updateButtons();
            Q_EMIT accountChanged(name);
            writeTestHook(QStringLiteral("account name=%1").arg(name));
            reloadFolders();
        });
}

void ExportWindow::logIn()
{
    if (!m_session)
        return;
    // "Change Account": a new login adds or switches the account.
    if (m_loginEvents)
        m_loginEvents->detach();
    m_loginEvents = std::make_shared<QtLoginEvents>(this, [this](const QString& url, bool opened) {
        showSignInPage(url, opened);
    });
    auto session = m_session;
    auto events  = m_loginEvents;
    setBusy(true);
    m_login->setEnabled(false);
    m_status->setText(tr("Opening the sign-in page..."));
    runInBackground<ffi::LoginStep>(
        this, [session, events]() { return (*session)->login(std::static_pointer_cast<ffi::LoginEvents>(events)); },
        [this](const Outcome<ffi::LoginStep>& outcome) {
            setBusy(false);
            if (!outcome.ok())
            {
                showError(tr("Cannot log in:"), outcome.kind, outcome.error);
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
    qCInfo(DKCLOUD_LOG).noquote() << (opened ? "the sign-in page is open in the browser:" : "no browser could be started; the sign-in page:") << url;
    QString text = tr("Finish signing in in your web browser...").toHtmlEscaped();
    if (!opened)
        text += QStringLiteral("<br>") + signInLinkHtml(url);
    m_status->setText(text);
}

void ExportWindow::askForPastedCode(const QString& instructions)
{
    // The loopback port was taken: the browser shows a code instead.
    writeTestHook(QStringLiteral("paste-code"));
    bool ok            = false;
    const QString code = QInputDialog::getText(this, tr("Finish Logging In"), instructions, QLineEdit::Normal,
                                               QString(), &ok).trimmed();
    if (!ok || code.isEmpty())
    {
        m_status->setText(tr("Login cancelled. Click \"Log in\" to try again."));
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
                showError(tr("Cannot log in:"), outcome.kind, outcome.error);
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
    const QString name = m_accountName->text();
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
                showError(tr("Cannot log out:"), outcome.kind, outcome.error);
                return;
            }
            m_settings.account.clear();
            saveSettings();
            showLoggedOut();
            m_folders->clear();
            m_folders->addItem(m_settings.folder);
            refreshAccounts();
            m_status->setText(tr("Logged out of %1.").arg(toQString(*outcome.value)));
            writeTestHook(QStringLiteral("logged-out name=%1").arg(toQString(*outcome.value)));
        });
}

void ExportWindow::reloadFolders()
{
    if (!m_session)
        return;
    auto session = m_session;
    setBusy(true);
    runInBackground<rust::Vec<rust::String>>(
        this, [session]() { return (*session)->listFolders(); },
        [this](const Outcome<rust::Vec<rust::String>>& outcome) {
            setBusy(false);
            if (!outcome.ok())
            {
                showError(tr("Cannot list albums:"), outcome.kind, outcome.error);
                writeTestHook(QStringLiteral("folders-error error=%1").arg(outcome.error));
                return;
            }
            const QString keep = m_folders->currentText().isEmpty() ? m_settings.folder : m_folders->currentText();
            m_folders->clear();
            for (const auto& path : *outcome.value)
                m_folders->addItem(QIcon::fromTheme(QStringLiteral("folder")), toQString(path));
            if (m_folders->findText(keep) < 0)
                m_folders->addItem(QIcon::fromTheme(QStringLiteral("folder-new")), keep);
            m_folders->setCurrentText(keep);
            Q_EMIT foldersReloaded();
            writeTestHook(QStringLiteral("folders count=%1").arg(m_folders->count()));
            if (testAutoUpload() && !m_autoUploaded)
            {
                m_autoUploaded = true;
                startUpload();
            }
        });
}

void ExportWindow::askNewFolder()
{
    bool ok              = false;
    const QString parent = m_folders->currentText().trimmed();
    const QString path   = QInputDialog::getText(this, tr("New Album"),
                                               tr("Album path (use / for nested albums):"), QLineEdit::Normal,
                                               (parent.endsWith(QLatin1Char('/')) ? parent : parent + QLatin1Char('/')), &ok);
    if (ok && !path.trimmed().isEmpty())
        createFolder(path.trimmed());
}

void ExportWindow::createFolder(const QString& path)
{
    if (!m_session)
        return;
    auto session         = m_session;
    const rust::String p = toRust(path);
    setBusy(true);
    runInBackground<rust::String>(
        this, [session, p]() { return (*session)->createFolder(p); },
        [this](const Outcome<rust::String>& outcome) {
            setBusy(false);
            if (!outcome.ok())
            {
                showError(tr("Cannot create the album:"), outcome.kind, outcome.error);
                return;
            }
            const QString created = toQString(*outcome.value);
            if (m_folders->findText(created) < 0)
                m_folders->addItem(QIcon::fromTheme(QStringLiteral("folder")), created);
            m_folders->setCurrentText(created);
            m_status->setText(tr("Album %1 is ready.").arg(created));
            writeTestHook(QStringLiteral("folder-created path=%1").arg(created));
        });
}

void ExportWindow::editRegistration()
{
    RegistrationDialog dialog(m_service, m_settings, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    dialog.apply(m_settings);
    saveSettings();
    openSession();
}

void ExportWindow::addPhotosFromDisk()
{
    // Start where the listed photos are (the album's folder), else in Pictures.
    const QList<QUrl> listed = m_list->urls();
    const QString start = listed.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::PicturesLocation)
                                           : QFileInfo(listed.first().toLocalFile()).absolutePath();
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Add Photos"), start,
        tr("Images (*.jpg *.jpeg *.png *.tif *.tiff *.heic *.webp *.dng *.cr2 *.nef *.arw);;All files (*)"));
    QList<QUrl> urls;
    for (const QString& file : files)
        urls << QUrl::fromLocalFile(file);
    addItems(urls);
}

void ExportWindow::startUpload()
{
    if (!m_session || isUploading())
        return;
    const QList<QUrl> urls = m_list->urls();
    if (urls.isEmpty())
        return;
    saveSettings();

    std::vector<ffi::LocalFile> files;
    for (const QUrl& url : urls)
    {
        ffi::LocalFile file;
        const QByteArray path = QFile::encodeName(url.toLocalFile());
        for (char byte : path)
            file.path.push_back(static_cast<uint8_t>(byte));
        files.push_back(std::move(file));
    }
    ffi::UploadOptions options;
    options.resize          = m_resize->isChecked();
    options.jpeg_quality    = static_cast<uint32_t>(m_quality->value());
    options.max_dimension   = static_cast<uint32_t>(m_dimension->value());
    options.upload_original = m_original->isChecked();

    QtUploadEvents::Handlers handlers;
    handlers.fileChanged = [this](const ffi::FileEvent& e) { onFileChanged(e); };
    handlers.progress    = [this](const ffi::JobProgress& p) { onProgress(p); };
    handlers.finished    = [this](const ffi::JobSummary& s) { onFinished(s); };
    m_uploadEvents       = std::make_shared<QtUploadEvents>(this, handlers);

    const rust::String folder   = toRust(m_settings.folder);
    const rust::String conflict = toRust(m_settings.conflict);
    auto session                = m_session;
    auto events                 = std::static_pointer_cast<ffi::UploadEvents>(m_uploadEvents);
    auto job                    = callEngine<rust::Box<ffi::UploadJob>>([&]() {
        return (*session)->startUpload(rust::Slice<const ffi::LocalFile>(files.data(), files.size()), folder, options,
                                       conflict, events);
    });
    if (!job.ok())
    {
        m_uploadEvents->detach();
        writeTestHook(QStringLiteral("upload-refused error=%1").arg(job.error));
        showError(tr("Cannot start the upload:"), job.kind, job.error);
        return;
    }
    m_job = std::make_unique<rust::Box<ffi::UploadJob>>(std::move(*job.value));
    m_list->setAllStates(tr("waiting"));
    m_progress->setValue(0);
    m_summary->clear();
    m_status->clear();
    m_rate->clear();
    m_jobClock.start();
    m_close->setText(tr("&Cancel"));
    writeTestHook(QStringLiteral("started"));
    updateButtons();
}

void ExportWindow::onFileChanged(const ffi::FileEvent& event)
{
    const int row = static_cast<int>(event.index);
    if (event.state == ffi::FileState::Uploading)
    {
        const int percent = event.bytes_total ? int(event.bytes_sent * 100 / event.bytes_total) : 0;
        m_list->setState(row, tr("uploading %1%").arg(percent));
        return;
    }
    const FileStateText state = fileStateText(m_service, event);
    if (state.text.isEmpty())
        return;
    m_list->setState(row, state.text, state.colour);
    const QList<QUrl> urls = m_list->urls();
    const QString local    = row < urls.size() ? urls.at(row).toLocalFile() : QString();
    if (event.state == ffi::FileState::Failed)
        qCWarning(DKCLOUD_LOG).noquote() << local << "failed:" << toQString(event.message);
    writeTestHook(QStringLiteral("file path=%1 state=%2 remote=%3")
                      .arg(local, state.hookName, toQString(event.remote_path)));
}

void ExportWindow::onProgress(const ffi::JobProgress& progress)
{
    if (progress.bytes_total > 0)
        m_progress->setValue(int(progress.bytes_sent * 1000 / progress.bytes_total));
    m_rate->setText(tr("%1 of %2 photos, %3/s, %4 left")
                        .arg(progress.files_done)
                        .arg(progress.files_total)
                        .arg(humanBytes(progress.bytes_per_second))
                        .arg(humanDuration(progress.eta_seconds)));
}

void ExportWindow::onFinished(const ffi::JobSummary& summary)
{
    m_job.reset();
    if (m_uploadEvents)
        m_uploadEvents->detach();
    m_close->setText(tr("&Close"));
    const QString folder = toQString(summary.folder);
    const QString url    = toQString(summary.folder_web_url);
    const QString counts = summaryText(m_service, summary);
    QString text         = counts.toHtmlEscaped();
    // The folder's own address from the service; no guessed link when it gave none.
    if (!url.isEmpty())
        text += QStringLiteral(" <a href=\"%1\">%2</a>")
                    .arg(url.toHtmlEscaped(), tr("Open %1 on %2").arg(folder.toHtmlEscaped(), serviceInfo(m_service).name));
    m_summary->setText(text);
    m_status->setText(summaryAdvice(summary));
    const size_t stored = summary.files_uploaded + summary.files_replaced + summary.files_kept_both;
    if (!summary.cancelled && summary.files_failed == 0 && toQString(summary.message).isEmpty())
        m_progress->setValue(m_progress->maximum());
    m_rate->setText(tr("%1 of %2 photos stored in %3")
                        .arg(stored + summary.files_already_there)
                        .arg(m_list->topLevelItemCount())
                        .arg(humanDuration(m_jobClock.elapsed() / 1000)));
    qCInfo(DKCLOUD_LOG).noquote() << "upload finished:" << counts;
    writeTestHook(QStringLiteral("finished uploaded=%1 already=%2 replaced=%3 kept=%4 skipped=%5 failed=%6 cancelled=%7 url=%8")
                      .arg(summary.files_uploaded)
                      .arg(summary.files_already_there)
                      .arg(summary.files_replaced)
                      .arg(summary.files_kept_both)
                      .arg(summary.files_skipped)
                      .arg(summary.files_failed)
                      .arg(summary.cancelled ? 1 : 0)
                      .arg(url));
    // A run that ended with every photo in place waits for a change before
    // it can be repeated; failures can be retried at once.
    m_finishedUnchanged = !summary.cancelled && summary.files_failed == 0 && toQString(summary.message).isEmpty();
    updateButtons();
    Q_EMIT uploadFinished();
}

bool ExportWindow::stopJob(int waitMs)
{
    if (!m_job)
        return true;
    (*m_job)->cancel();
    const bool ended = (*m_job)->waitFor(static_cast<uint64_t>(waitMs));
    if (m_uploadEvents)
        m_uploadEvents->detach();
    m_job.reset();
    return ended;
}

void ExportWindow::reject()
{
    if (isUploading())
    {
        // First press cancels; the job's "finished" turns the button back into Close.
        m_status->setText(tr("Cancelling..."));
        (*m_job)->cancel();
        return;
    }
    saveSettings();
    QDialog::reject();
}

void ExportWindow::closeEvent(QCloseEvent* event)
{
    stopJob(3000);
    saveSettings();
    QDialog::closeEvent(event);
}

void ExportWindow::writeTestHook(const QString& event) const
{
    QStringList paths;
    for (const QUrl& url : m_list->urls())
        paths << url.toLocalFile();
    DkCloud::writeTestHook(QStringLiteral("%1 %2 title=%3 items=%4")
                               .arg(serviceInfo(m_service).name, event, windowTitle(), paths.join(QLatin1Char('|'))));
}

} // namespace DkCloud
