#include "uploadsettingswidget.h"

#include "exportsettings.h"
#include "registrationwording.h"
#include "wording.h"

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

ffi::Service engineService(ServiceId id)
{
    return id == ServiceId::OneDrive ? ffi::Service::OneDrive : ffi::Service::Dropbox;
}

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
    , m_account(new QComboBox(this))
    , m_login(button(tr("Log In..."), QStringLiteral("loginButton"), this))
    , m_folder(new QComboBox(this))
    , m_reload(button(tr("Reload"), QStringLiteral("reloadFoldersButton"), this))
    , m_newFolder(button(tr("New Folder..."), QStringLiteral("newFolderButton"), this))
    , m_pattern(new QLineEdit(this))
    , m_conflict(new QComboBox(this))
    , m_keepOutput(new QCheckBox(tr("Keep the processed file too"), this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("dkcloudUploadSettings"));
    m_account->setObjectName(QStringLiteral("accountCombo"));
    m_folder->setObjectName(QStringLiteral("folderCombo"));
    m_folder->setEditable(true);
    m_pattern->setObjectName(QStringLiteral("folderPatternEdit"));
    m_pattern->setToolTip(tr("A folder below the chosen one for each photo; {album} stands for the photo's album. "
                             "Empty: straight into the chosen folder."));
    m_conflict->setObjectName(QStringLiteral("conflictCombo"));
    m_conflict->addItem(tr("Replace it"), QStringLiteral("replace"));
    m_conflict->addItem(tr("Keep both (store under a new name)"), QStringLiteral("rename"));
    m_conflict->addItem(tr("Skip the photo"), QStringLiteral("skip"));
    m_keepOutput->setObjectName(QStringLiteral("keepOutputCheck"));
    m_keepOutput->setToolTip(tr("On: the queue also saves the photo to its target album, as without this tool. "
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
    form->addRow(tr("Account:"), accountRow);
    form->addRow(tr("Folder on %1:").arg(serviceInfo(service).name), m_folder);
    form->addRow(folderButtons);
    form->addRow(tr("Subfolder:"), m_pattern);
    form->addRow(tr("A different file of that name:"), m_conflict);
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
    reloadAccounts();
}

UploadSettingsWidget::~UploadSettingsWidget()
{
    if (m_loginEvents)
        m_loginEvents->detach();
}

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
    if (otherAccount || !m_session)
        openSession();
}

void UploadSettingsWidget::showError(const QString& what, const EngineFailure& failure)
{
    const QString message = what + QLatin1Char(' ') + explainError(m_service, failure, FrontEnd::QueueTool);
    m_status->setText(message.toHtmlEscaped());
    Q_EMIT failed(message);
}

void UploadSettingsWidget::reloadAccounts()
{
    const ffi::Service service = engineService(m_service);
    runInBackground<rust::Vec<rust::String>>(
        this, [service]() { return ffi::accounts(service); },
        [this](const Outcome<rust::Vec<rust::String>>& outcome) {
            if (!outcome.ok())
                return;
            const QString current = m_account->currentText();
            m_assigning           = true;
            for (const auto& name : *outcome.value)
                if (m_account->findText(toQString(name)) < 0)
                    m_account->addItem(toQString(name));
            m_account->setCurrentIndex(m_account->findText(current));
            m_assigning = false;
        });
}

void UploadSettingsWidget::openSession()
{
    const ffi::Service service = engineService(m_service);
    const QString      account = m_account->currentText();
    // The export window's App Registration... serves the queue too.
    const ffi::AppRegistration registration = ExportSettings::load(m_service).registration();
    m_session.reset();
    runInBackground<rust::Box<ffi::ExportSession>>(
        this,
        [service, account, registration]() { return ffi::openSession(service, registration, toRust(account)); },
        [this, account](const Outcome<rust::Box<ffi::ExportSession>>& outcome) {
            if (account != m_account->currentText())
                return;
            if (!outcome.ok())
            {
                showError(tr("Cannot use %1:").arg(serviceInfo(m_service).name), outcome);
                return;
            }
            // Outcome holds the box; the session moves out of a copy of it.
            auto& box = const_cast<Outcome<rust::Box<ffi::ExportSession>>&>(outcome);
            m_session = std::make_shared<rust::Box<ffi::ExportSession>>(std::move(*box.value));
            if (!account.isEmpty())
                reloadFolders();
        });
}

void UploadSettingsWidget::logIn()
{
    if (m_loginEvents)
        m_loginEvents->detach();
    // A new login: a session of its own, which becomes the chosen account.
    auto login = std::make_shared<std::optional<rust::Box<ffi::ExportSession>>>();
    m_loginEvents = std::make_shared<QtLoginEvents>(this, [this, login](const QString& url, bool opened) {
        QString text = tr("Finish signing in in your web browser...").toHtmlEscaped();
        if (!opened)
            text += QStringLiteral("<br>") + signInLinkHtml(url);
        const auto setup     = callEngine<ffi::SetupInfo>([this]() { return ffi::setupInfo(engineService(m_service)); });
        const QString uri    = setup.ok() ? toQString(setup.value->redirect_uri) : QString();
        const QString origin = login->has_value() ? toQString((**login)->registrationOrigin()) : QString();
        text += QStringLiteral("<br>") + signInTroubleText(m_service, origin, uri, FrontEnd::QueueTool).toHtmlEscaped();
        m_status->setText(text);
    });
    auto               events       = m_loginEvents;
    const ffi::Service service      = engineService(m_service);
    const ffi::AppRegistration registration = ExportSettings::load(m_service).registration();
    m_login->setEnabled(false);
    m_status->setText(tr("Opening the sign-in page..."));
    runInBackground<ffi::LoginStep>(
        this,
        [service, events, login, registration]() {
            login->emplace(ffi::openSession(service, registration, ""));
            return (**login)->login(std::static_pointer_cast<ffi::LoginEvents>(events));
        },
        [this, login](const Outcome<ffi::LoginStep>& outcome) {
            m_login->setEnabled(true);
            if (!outcome.ok())
                showError(tr("Cannot log in:"), outcome);
            else if (outcome.value->signed_in)
                loggedIn(toQString(outcome.value->account));
            else
                askForPastedCode(login, toQString(outcome.value->paste_instructions));
        });
}

void UploadSettingsWidget::askForPastedCode(std::shared_ptr<std::optional<rust::Box<ffi::ExportSession>>> login,
                                            const QString& instructions)
{
    // The loopback port was taken: the browser shows a code to paste here.
    QInputDialog dialog(this);
    dialog.setObjectName(QStringLiteral("pasteCodeDialog"));
    dialog.setWindowTitle(tr("Finish Logging In"));
    dialog.setLabelText(instructions);
    if (dialog.exec() != QDialog::Accepted || dialog.textValue().trimmed().isEmpty())
    {
        m_status->setText(tr("Login cancelled. Click \"Log In...\" to try again.").toHtmlEscaped());
        return;
    }
    const rust::String code = toRust(dialog.textValue().trimmed());
    runInBackground<rust::String>(
        this, [login, code]() { return (**login)->finishLogin(code); },
        [this](const Outcome<rust::String>& outcome) {
            if (!outcome.ok())
                showError(tr("Cannot log in:"), outcome);
            else
                loggedIn(toQString(*outcome.value));
        });
}

void UploadSettingsWidget::loggedIn(const QString& account)
{
    if (m_account->findText(account) < 0)
        m_account->addItem(account);
    m_account->setCurrentIndex(m_account->findText(account));
    m_status->setText(tr("Logged in as %1.").arg(account).toHtmlEscaped());
    openSession();
    Q_EMIT accountChanged(account);
    Q_EMIT settingsChanged();
}

void UploadSettingsWidget::reloadFolders()
{
    auto session = m_session;
    if (!session)
        return;
    runInBackground<rust::Vec<rust::String>>(
        this, [session]() { return (*session)->listFolders(); },
        [this](const Outcome<rust::Vec<rust::String>>& outcome) {
            if (!outcome.ok())
            {
                showError(tr("Cannot list the folders:"), outcome);
                return;
            }
            const QString current = m_folder->currentText();
            m_assigning           = true;
            m_folder->clear();
            for (const auto& path : *outcome.value)
                m_folder->addItem(toQString(path));
            if (m_folder->findText(current) < 0)
                m_folder->addItem(current);
            m_folder->setCurrentIndex(m_folder->findText(current));
            m_assigning = false;
            Q_EMIT foldersListed(int(outcome.value->size()));
        });
}

void UploadSettingsWidget::askNewFolder()
{
    QInputDialog dialog(this);
    dialog.setObjectName(QStringLiteral("newFolderDialog"));
    dialog.setWindowTitle(tr("New Folder"));
    dialog.setLabelText(tr("A new folder in %1:").arg(m_folder->currentText()));
    if (dialog.exec() == QDialog::Accepted && !dialog.textValue().trimmed().isEmpty())
        createFolder(dialog.textValue().trimmed());
}

void UploadSettingsWidget::createFolder(const QString& name)
{
    auto session = m_session;
    if (!session)
    {
        m_status->setText(tr("Log in first.").toHtmlEscaped());
        return;
    }
    const QString path = m_folder->currentText() + QLatin1Char('/') + name;
    runInBackground<rust::String>(
        this, [session, path]() { return (*session)->createFolder(toRust(path)); },
        [this](const Outcome<rust::String>& outcome) {
            if (!outcome.ok())
            {
                showError(tr("Cannot create the folder:"), outcome);
                return;
            }
            const QString made = toQString(*outcome.value);
            if (m_folder->findText(made) < 0)
                m_folder->addItem(made);
            m_folder->setCurrentIndex(m_folder->findText(made));
            m_status->setText(tr("Folder %1 created.").arg(made).toHtmlEscaped());
        });
}

} // namespace DkCloud
