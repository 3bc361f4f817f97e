#include "uploadsettingswidget.h"

#include "exportsettings.h"
#include "registrationwording.h"
#include "talker.h"
#include "wording.h"

#include <KLocalizedString>

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace DkCloud
{

namespace
{

QPushButton* button(const QString& text, const QString& objectName, QWidget* parent)
{
    auto* b = new QPushButton(text, parent);
    b->setObjectName(objectName);
    return b;
}

} // namespace

UploadSettingsWidget::UploadSettingsWidget(ServiceId service, QWidget* parent)
    : QWidget(parent)
    , m_service(service)
    , m_talker(new Talker(service, this))
    , m_account(new QComboBox(this))
    , m_login(button(i18nc("@action:button batch queue tool settings", "Log In..."), QStringLiteral("loginButton"), this))
    , m_folder(new QComboBox(this))
    , m_reload(button(i18nc("@action:button batch queue tool settings", "Reload"), QStringLiteral("reloadFoldersButton"), this))
    , m_newFolder(button(i18nc("@action:button batch queue tool settings", "New Folder..."), QStringLiteral("newFolderButton"), this))
    , m_pattern(new QLineEdit(this))
    , m_conflict(new QComboBox(this))
    , m_keepOutput(new QCheckBox(i18nc("@option:check batch queue tool settings", "Keep the processed file too"), this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("dkcloudUploadSettings"));
    m_account->setObjectName(QStringLiteral("accountCombo"));
    m_folder->setObjectName(QStringLiteral("folderCombo"));
    m_folder->setEditable(true);
    m_pattern->setObjectName(QStringLiteral("folderPatternEdit"));
    m_pattern->setToolTip(i18nc("@info:tooltip batch queue tool settings", "A folder below the chosen one for each photo; {album} stands for the photo's album. "
        "Empty: straight into the chosen folder."));
    m_conflict->setObjectName(QStringLiteral("conflictCombo"));
    m_conflict->addItem(i18nc("@item:inlistbox batch queue tool settings", "Replace it"), QStringLiteral("replace"));
    m_conflict->addItem(i18nc("@item:inlistbox batch queue tool settings", "Keep both (store under a new name)"), QStringLiteral("rename"));
    m_conflict->addItem(i18nc("@item:inlistbox batch queue tool settings", "Skip the photo"), QStringLiteral("skip"));
    m_keepOutput->setObjectName(QStringLiteral("keepOutputCheck"));
    m_keepOutput->setToolTip(i18nc("@info:tooltip batch queue tool settings", "On: the queue also saves the photo to its target album, as without this tool. "
        "Off: only the upload remains; BQM then lists the photo as not processed, since no "
        "file was made. Keep it on when another tool (or upload) follows this one."));
    // BQM's tool settings panel is narrow: fields may shrink, labels go above them.
    for (QComboBox* combo : {m_account, m_folder, m_conflict})
    {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(8);
    }
    m_status->setObjectName(QStringLiteral("statusLabel"));
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::RichText);
    m_status->setOpenExternalLinks(true);

    auto* accountRow = new QHBoxLayout;
    accountRow->addWidget(m_account, 1);
    accountRow->addWidget(m_login);
    auto* folderButtons = new QHBoxLayout;
    folderButtons->addWidget(m_reload);
    folderButtons->addWidget(m_newFolder);
    folderButtons->addStretch(1);
    m_pattern->setMinimumWidth(60);
    auto* form = new QFormLayout(this);
    form->setRowWrapPolicy(QFormLayout::WrapAllRows);
    form->addRow(i18nc("@label batch queue tool settings", "Account:"), accountRow);
    form->addRow(i18nc("@label batch queue tool settings", "Folder on %1:", serviceInfo(service).name), m_folder);
    form->addRow(folderButtons);
    form->addRow(i18nc("@label batch queue tool settings", "Subfolder:"), m_pattern);
    form->addRow(i18nc("@label batch queue tool settings", "A different file of that name:"), m_conflict);
    form->addRow(m_keepOutput);
    form->addRow(m_status);

    const auto changed = [this]() {
        if (!m_assigning)
            Q_EMIT settingsChanged();
    };
    connect(m_account, qOverload<int>(&QComboBox::activated), this, [this, changed]() {
        openSession();
        changed();
    });
    connect(m_folder, &QComboBox::currentTextChanged, this, changed);
    connect(m_pattern, &QLineEdit::textChanged, this, changed);
    connect(m_conflict, qOverload<int>(&QComboBox::currentIndexChanged), this, changed);
    connect(m_keepOutput, &QCheckBox::toggled, this, changed);
    connect(m_login, &QPushButton::clicked, this, &UploadSettingsWidget::logIn);
    connect(m_reload, &QPushButton::clicked, this, &UploadSettingsWidget::reloadFolders);
    connect(m_newFolder, &QPushButton::clicked, this, &UploadSettingsWidget::askNewFolder);
    connectTalker();
    m_talker->listAccounts();
}

UploadSettingsWidget::~UploadSettingsWidget() = default;

BqmSettings UploadSettingsWidget::settings() const
{
    BqmSettings s;
    s.account    = m_account->currentText();
    s.folder     = m_folder->currentText().trimmed().isEmpty() ? QStringLiteral("/") : m_folder->currentText().trimmed();
    s.pattern    = m_pattern->text();
    s.conflict   = m_conflict->currentData().toString();
    s.keepOutput = m_keepOutput->isChecked();
    return s;
}

void UploadSettingsWidget::setSettings(const BqmSettings& s)
{
    m_assigning = true;
    const bool otherAccount = s.account != m_account->currentText();
    if (m_account->findText(s.account) < 0 && !s.account.isEmpty())
        m_account->addItem(s.account);
    m_account->setCurrentIndex(m_account->findText(s.account));
    if (m_folder->findText(s.folder) < 0)
        m_folder->addItem(s.folder);
    m_folder->setCurrentIndex(m_folder->findText(s.folder));
    m_pattern->setText(s.pattern);
    m_conflict->setCurrentIndex(qMax(0, m_conflict->findData(s.conflict)));
    m_keepOutput->setChecked(s.keepOutput);
    m_assigning = false;
    if (otherAccount || !m_talker->hasSession())
        openSession();
}

void UploadSettingsWidget::showError(const QString& what, const EngineFailure& failure)
{
    const QString message = what + QLatin1Char(' ') + explainError(m_service, failure, FrontEnd::QueueTool);
    m_status->setText(message.toHtmlEscaped());
    Q_EMIT failed(message);
}

void UploadSettingsWidget::connectTalker()
{
    connect(m_talker, &Talker::accountsListed, this, [this](const QStringList& names) {
        const QString current = m_account->currentText();
        m_assigning           = true;
        for (const QString& name : names)
            if (m_account->findText(name) < 0)
                m_account->addItem(name);
        m_account->setCurrentIndex(m_account->findText(current));
        m_assigning = false;
    });
    connect(m_talker, &Talker::sessionOpened, this, [this](const QString& account) {
        if (!account.isEmpty())
            reloadFolders();
    });
    connect(m_talker, &Talker::sessionFailed, this, [this](const EngineFailure& failure) {
        showError(i18nc("@info:status batch queue tool settings", "Cannot use %1:", serviceInfo(m_service).name), failure);
    });
    connect(m_talker, &Talker::signInPageOpened, this, [this](const QString& url, bool opened) {
        m_status->setText(signInWaitingHtml(m_service, url, opened, m_talker->registrationOrigin(),
                                            m_talker->redirectUri(), FrontEnd::QueueTool));
    });
    connect(m_talker, &Talker::pasteCodeNeeded, this, [this](const QString& /* the engine's words, for the command line */) {
        m_login->setEnabled(true);
        askForPastedCode();
    });
    connect(m_talker, &Talker::loggedIn, this, [this](const QString& account) {
        m_login->setEnabled(true);
        loggedIn(account);
    });
    const auto loginFailed = [this](const EngineFailure& failure) {
        m_login->setEnabled(true);
        showError(i18nc("@info:status batch queue tool settings", "Cannot log in:"), failure);
    };
    connect(m_talker, &Talker::loginFailed, this, loginFailed);
    // Nothing here cancels a sign-in; should the engine end one so, it is a failure like any other.
    connect(m_talker, &Talker::loginCancelled, this, [this, loginFailed]() {
        EngineFailure cancelled;
        cancelled.kind = ffi::ErrorKind::Cancelled;
        loginFailed(cancelled);
    });
    connect(m_talker, &Talker::foldersListed, this, [this](const QStringList& paths) {
        const QString current = m_folder->currentText();
        m_assigning           = true;
        m_folder->clear();
        m_folder->addItems(paths);
        if (m_folder->findText(current) < 0)
            m_folder->addItem(current);
        m_folder->setCurrentIndex(m_folder->findText(current));
        m_assigning = false;
        Q_EMIT foldersListed(paths.size());
    });
    connect(m_talker, &Talker::foldersFailed, this, [this](const EngineFailure& failure) {
        showError(i18nc("@info:status batch queue tool settings", "Cannot list the folders:"), failure);
    });
    connect(m_talker, &Talker::folderCreated, this, [this](const QString& made) {
        if (m_folder->findText(made) < 0)
            m_folder->addItem(made);
        m_folder->setCurrentIndex(m_folder->findText(made));
        m_status->setText(i18nc("@info:status batch queue tool settings", "Folder %1 created.", made).toHtmlEscaped());
    });
    connect(m_talker, &Talker::folderFailed, this, [this](const EngineFailure& failure) {
        showError(i18nc("@info:status batch queue tool settings", "Cannot create the folder:"), failure);
    });
}

void UploadSettingsWidget::openSession()
{
    // The export window's App Registration... serves the queue too.
    m_talker->openSessionInBackground(ExportSettings::load(m_service).registration(), m_account->currentText());
}

void UploadSettingsWidget::logIn()
{
    m_login->setEnabled(false);
    m_status->setText(i18nc("@info:status batch queue tool settings", "Opening the sign-in page..."));
    // A new login: a session of its own, which becomes the chosen account.
    m_talker->logInWithNewSession(ExportSettings::load(m_service).registration());
}

void UploadSettingsWidget::askForPastedCode()
{
    // The loopback port was taken: the browser shows a code to paste here.
    QInputDialog dialog(this);
    dialog.setObjectName(QStringLiteral("pasteCodeDialog"));
    dialog.setWindowTitle(i18nc("@title:window batch queue tool settings", "Finish Logging In"));
    dialog.setLabelText(pasteInstructions(m_service));
    if (dialog.exec() != QDialog::Accepted || dialog.textValue().trimmed().isEmpty())
    {
        m_status->setText(i18nc("@info:status batch queue tool settings", "Login cancelled. Click \"Log In...\" to try again.").toHtmlEscaped());
        return;
    }
    m_talker->finishLogin(dialog.textValue().trimmed());
}

void UploadSettingsWidget::loggedIn(const QString& account)
{
    if (m_account->findText(account) < 0)
        m_account->addItem(account);
    m_account->setCurrentIndex(m_account->findText(account));
    m_status->setText(i18nc("@info:status batch queue tool settings", "Logged in as %1.", account).toHtmlEscaped());
    openSession();
    Q_EMIT accountChanged(account);
    Q_EMIT settingsChanged();
}

void UploadSettingsWidget::reloadFolders()
{
    m_talker->listFolders();
}

void UploadSettingsWidget::askNewFolder()
{
    QInputDialog dialog(this);
    dialog.setObjectName(QStringLiteral("newFolderDialog"));
    dialog.setWindowTitle(i18nc("@title:window batch queue tool settings", "New Folder"));
    dialog.setLabelText(i18nc("@label batch queue tool settings", "A new folder in %1:", m_folder->currentText()));
    if (dialog.exec() == QDialog::Accepted && !dialog.textValue().trimmed().isEmpty())
        createFolder(dialog.textValue().trimmed());
}

void UploadSettingsWidget::createFolder(const QString& name)
{
    if (!m_talker->hasSession())
    {
        m_status->setText(i18nc("@info:status batch queue tool settings", "Log in first.").toHtmlEscaped());
        return;
    }
    m_talker->createFolder(m_folder->currentText() + QLatin1Char('/') + name);
}

} // namespace DkCloud
