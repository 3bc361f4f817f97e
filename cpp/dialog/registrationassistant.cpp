#include "registrationassistant.h"

#include "registrationwording.h"
#include "talker.h"

#include <KLocalizedString>

#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

namespace DkCloud
{

namespace
{

QString envPrefix(ServiceId id)
{
    return id == ServiceId::OneDrive ? QStringLiteral("DKCLOUD_ONEDRIVE_") : QStringLiteral("DKCLOUD_DROPBOX_");
}

// A field the environment may set: then it shows that value, locked.
QLineEdit* field(const QString& value, const QString& envName, QStringList& overridden)
{
    auto* edit = new QLineEdit(value);
    if (qEnvironmentVariableIsSet(envName.toLatin1().constData()))
    {
        edit->setText(qEnvironmentVariable(envName.toLatin1().constData()));
        edit->setEnabled(false);
        edit->setToolTip(i18nc("@info:tooltip app registration window", "Set by the environment variable %1", envName));
        overridden << envName;
    }
    return edit;
}

QLabel* wrapped(const QString& text)
{
    auto* label = new QLabel(text);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    return label;
}

QString joined(const rust::Vec<rust::String>& values)
{
    QStringList list;
    for (const auto& value : values)
        list << toQString(value);
    return list.join(QLatin1Char(' '));
}

} // namespace

RegistrationAssistant::RegistrationAssistant(ServiceId id, const ExportSettings& settings, QWidget* parent)
    : QDialog(parent)
    , m_service(id)
{
    const QString name = serviceInfo(id).name;
    setWindowTitle(i18nc("@title:window app registration window", "%1 App Registration", name));
    setObjectName(QStringLiteral("registrationDialog"));
    auto setup = callEngine<ffi::SetupInfo>([id]() { return ffi::setupInfo(engineService(id)); });
    if (setup.ok())
        m_setup = *setup.value;

    QStringList overridden;
    const QString prefix = envPrefix(id);
    m_clientId = field(settings.clientId, prefix + QStringLiteral("CLIENT_ID"), overridden);
    m_clientId->setObjectName(QStringLiteral("clientIdEdit"));
    m_clientId->setPlaceholderText(id == ServiceId::OneDrive ? QStringLiteral("00000000-0000-0000-0000-000000000000")
                                                             : i18nc("@info app registration window", "about 15 letters and digits"));
    if (id == ServiceId::OneDrive)
    {
        m_tenant = field(settings.tenant, prefix + QStringLiteral("TENANT"), overridden);
        m_tenant->setObjectName(QStringLiteral("tenantEdit"));
        m_tenant->setPlaceholderText(QStringLiteral("common"));
    }
    m_format = new QLabel(this);
    m_format->setObjectName(QStringLiteral("formatLabel"));
    m_format->setWordWrap(true);
    m_format->setTextFormat(Qt::PlainText);
    m_test = new QPushButton(QIcon::fromTheme(QStringLiteral("network-connect")), i18nc("@action:button app registration window", "&Test"), this);
    m_test->setObjectName(QStringLiteral("testButton"));
    m_test->setToolTip(i18nc("@info:tooltip app registration window", "Save the registration and ask %1 whether it knows the app", name));
    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("resultLabel"));
    m_result->setWordWrap(true);
    // It may quote the service: never rich text.
    m_result->setTextFormat(Qt::PlainText);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* layout = new QVBoxLayout(this);
    addIntro(layout);
    layout->addLayout(stepsFor(id));
    if (!overridden.isEmpty())
        layout->addWidget(wrapped(i18nc("@info app registration window", "Overridden by the environment: %1", overridden.join(QStringLiteral(", ")))));
    layout->addStretch(1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    m_save        = buttons->button(QDialogButtonBox::Save);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    connect(m_clientId, &QLineEdit::textChanged, this, &RegistrationAssistant::checkFormat);
    connect(m_test, &QPushButton::clicked, this, &RegistrationAssistant::runTest);
    checkFormat();
    resize(880, sizeHint().height());
}

void RegistrationAssistant::addIntro(QLayout* layout)
{
    const QString name = serviceInfo(m_service).name;
    auto* intro = wrapped(
        m_setup.has_built_in
            ? i18nc("@info app registration window", "This dkcloud has a %1 app registration built in: you need none of your own. Close this window and "
        "click \"Log in\". To use an app of your own instead, register it as below; leave the field empty "
        "to go back to the built-in one.", name)
            : i18nc("@info app registration window", "To sign in to %1, dkcloud needs an app registered with %1: yours, free, about five minutes. "
        "Follow these steps.", name));
    intro->setObjectName(QStringLiteral("introLabel"));
    layout->addWidget(intro);
}

void RegistrationAssistant::addText(QGridLayout* grid, const QString& text)
{
    grid->addWidget(wrapped(text), grid->rowCount(), 0, 1, 3);
}

void RegistrationAssistant::addValue(QGridLayout* grid, const QString& label, const QString& value, const QString& name)
{
    // Wrapped, never cut off: each permission must be found and ticked.
    auto* shown = wrapped(value);
    shown->setObjectName(QStringLiteral("%1Value").arg(name));
    shown->setTextInteractionFlags(Qt::TextSelectableByMouse);
    shown->setFrameShape(QFrame::StyledPanel);
    shown->setMargin(3);
    auto* copy = new QPushButton(QIcon::fromTheme(QStringLiteral("edit-copy")), i18nc("@action:button app registration window", "Copy"), this);
    copy->setObjectName(QStringLiteral("copy%1Button").arg(name));
    copy->setToolTip(i18nc("@info:tooltip app registration window", "Copy %1 to the clipboard", value));
    connect(copy, &QPushButton::clicked, this, [value]() { QApplication::clipboard()->setText(value); });
    const int row = grid->rowCount();
    grid->addWidget(new QLabel(label, this), row, 0);
    grid->addWidget(shown, row, 1);
    grid->addWidget(copy, row, 2);
}

QGridLayout* RegistrationAssistant::stepsFor(ServiceId id)
{
    auto* grid = new QGridLayout;
    grid->setColumnStretch(1, 1);
    const QString redirect    = toQString(m_setup.redirect_uri);
    const QString permissions = joined(m_setup.permissions);
    auto* portal              = new QPushButton(QIcon::fromTheme(QStringLiteral("internet-services")),
                                   id == ServiceId::OneDrive ? i18nc("@info app registration window", "&Open App Registrations")
                                                             : i18nc("@info app registration window", "&Open the Dropbox App Console"),
                                   this);
    portal->setObjectName(QStringLiteral("openPortalButton"));
    portal->setToolTip(toQString(m_setup.portal_url));
    connect(portal, &QPushButton::clicked, this, &RegistrationAssistant::openPortal);
    const auto step = [grid](QWidget* widget) { grid->addWidget(widget, grid->rowCount(), 0, 1, 3, Qt::AlignLeft); };

    if (id == ServiceId::OneDrive)
    {
        addText(grid, i18nc("@info app registration window", "1. Open the Microsoft Entra admin center's App registrations (Microsoft may ask you to sign "
        "in, or to create a free Azure account first) and choose \"New registration\"."));
        step(portal);
        addText(grid, i18nc("@info app registration window", "2. Name it dkcloud (any name will do), enter these values, then press Register:"));
        addValue(grid, i18nc("@info app registration window", "Supported account types:"),
                 i18nc("@info app registration window", "Accounts in any organizational directory and personal Microsoft accounts"),
                 QStringLiteral("AccountTypes"));
        addValue(grid, i18nc("@info app registration window", "Redirect URI, platform:"), i18nc("@info app registration window", "Public client/native (mobile & desktop)"),
                 QStringLiteral("Platform"));
        addValue(grid, i18nc("@info app registration window", "Redirect URI:"), redirect, QStringLiteral("RedirectUri"));
        addText(grid, i18nc("@info app registration window", "3. On the app's \"API permissions\" page, make sure Microsoft Graph's delegated "
        "permissions include:"));
        addValue(grid, i18nc("@info app registration window", "Permissions:"), permissions, QStringLiteral("Permissions"));
        addText(grid, i18nc("@info app registration window", "4. Copy the \"Application (client) ID\" from the app's Overview page and paste it here:"));
        grid->addWidget(new QLabel(i18nc("@info app registration window", "Application (client) ID:"), this), grid->rowCount(), 0);
    }
    else
    {
        addText(grid, i18nc("@info app registration window", "1. Open the Dropbox App Console and create an app: choose \"Scoped access\", then \"Full "
        "Dropbox\", and a name."));
        step(portal);
        addText(grid, i18nc("@info app registration window", "2. On the app's Permissions tab tick these, then press Submit:"));
        addValue(grid, i18nc("@info app registration window", "Permissions:"), permissions, QStringLiteral("Permissions"));
        addText(grid, i18nc("@info app registration window", "3. On the Settings tab, under OAuth 2, add this redirect URI exactly, and set \"Allow public "
        "clients (Implicit Grant & PKCE)\" to Allow:"));
        addValue(grid, i18nc("@info app registration window", "Redirect URI:"), redirect, QStringLiteral("RedirectUri"));
        addText(grid, i18nc("@info app registration window", "4. Copy the \"App key\" from the Settings tab (the App secret is not needed) and paste it "
        "here:"));
        grid->addWidget(new QLabel(i18nc("@info app registration window", "App key:"), this), grid->rowCount(), 0);
    }
    grid->addWidget(m_clientId, grid->rowCount() - 1, 1, 1, 2);
    grid->addWidget(m_format, grid->rowCount(), 1, 1, 2);
    if (m_tenant)
    {
        const int row = grid->rowCount();
        grid->addWidget(new QLabel(i18nc("@info app registration window", "Tenant (optional):"), this), row, 0);
        grid->addWidget(m_tenant, row, 1, 1, 2);
    }
    addText(grid, i18nc("@info app registration window", "5. Test it: dkcloud saves the registration and asks %1 whether it knows the app.", serviceInfo(id).name));
    step(m_test);
    grid->addWidget(m_result, grid->rowCount(), 0, 1, 3);
    return grid;
}

void RegistrationAssistant::openPortal()
{
    const QUrl url(toQString(m_setup.portal_url));
    if (!QDesktopServices::openUrl(url))
        m_result->setText(i18nc("@info app registration window", "No web browser could be started. Open %1 yourself.", url.toString()));
}

void RegistrationAssistant::checkFormat()
{
    const QString id = m_clientId->text().trimmed();
    QString problem;
    if (!id.isEmpty())
        problem = toQString(ffi::checkAppIdFormat(engineService(m_service), toRust(id)));
    const bool ok = problem.isEmpty();
    QString text;
    if (ok && !id.isEmpty())
        text = m_service == ServiceId::OneDrive ? i18nc("@info app registration window", "This looks like an Application (client) ID.")
                                                : i18nc("@info app registration window", "This looks like an app key.");
    else if (id.isEmpty())
        text = m_setup.has_built_in ? i18nc("@info app registration window", "Empty: the app registration built into this dkcloud is used.")
                                    : i18nc("@info app registration window", "Empty: dkcloud uses the registration in its config.toml, if any.");
    else if (!ok)
        text = m_service == ServiceId::OneDrive
                   ? i18nc("@info app registration window", "This is not an Application (client) ID: those look like "
        "00000000-0000-0000-0000-000000000000 (the app's Overview page shows it).")
                   : i18nc("@info app registration window", "This is not an app key: Dropbox's are about 15 lower-case letters and digits (the app's "
        "Settings tab shows it as \"App key\"; the App secret is not needed).");
    m_format->setText(text);
    m_format->setToolTip(problem);
    m_format->setStyleSheet(!ok ? QStringLiteral("QLabel { color: #c62828; }")
                                : id.isEmpty() ? QString() : QStringLiteral("QLabel { color: #2e7d32; }"));
    m_save->setEnabled(ok);
    m_test->setEnabled(ok && !m_testing);
}

void RegistrationAssistant::apply(ExportSettings& settings) const
{
    if (m_clientId->isEnabled())
        settings.clientId = m_clientId->text().trimmed();
    if (m_tenant && m_tenant->isEnabled())
        settings.tenant = m_tenant->text().trimmed();
}

void RegistrationAssistant::runTest()
{
    Q_EMIT saveRequested();
    ffi::AppRegistration registration;
    registration.client_id     = toRust(m_clientId->text().trimmed());
    registration.tenant        = toRust(m_tenant ? m_tenant->text().trimmed() : QString());
    const ffi::Service service = engineService(m_service);
    m_testing                  = true;
    m_test->setEnabled(false);
    m_result->setStyleSheet(QString());
    m_result->setText(i18nc("@info app registration window", "Checking the registration with %1...", serviceInfo(m_service).name));
    runInBackground<bool>(
        this,
        [service, registration]() {
            auto session = ffi::openSession(service, registration, "");
            session->checkRegistration();
            return true;
        },
        [this](const Outcome<bool>& outcome) {
            m_testing = false;
            checkFormat();
            const QString text = outcome.ok() ? registrationKnownText(m_service) : explainError(m_service, outcome);
            m_result->setText(text);
            m_result->setToolTip(outcome.error);
            // Room for the answer: the window grows rather than cut it off.
            resize(width(), qMax(height(), sizeHint().height()));
            m_result->setStyleSheet(outcome.ok() ? QStringLiteral("QLabel { color: #2e7d32; }")
                                                 : QStringLiteral("QLabel { color: #c62828; }"));
            Q_EMIT checked(outcome.ok(), text);
        });
}

} // namespace DkCloud
