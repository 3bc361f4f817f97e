#include "registrationdialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace DkCloud
{

namespace
{

QString envPrefix(ServiceId id)
{
    return id == ServiceId::OneDrive ? QStringLiteral("DKCLOUD_ONEDRIVE_") : QStringLiteral("DKCLOUD_DROPBOX_");
}

QLineEdit* field(const QString& value, const QString& envName, QStringList& overridden)
{
    auto* edit = new QLineEdit(value);
    if (qEnvironmentVariableIsSet(envName.toLatin1().constData()))
    {
        edit->setText(qEnvironmentVariable(envName.toLatin1().constData()));
        edit->setEnabled(false);
        edit->setToolTip(QObject::tr("Set by the environment variable %1").arg(envName));
        overridden << envName;
    }
    return edit;
}

} // namespace

RegistrationDialog::RegistrationDialog(ServiceId id, const ExportSettings& settings, QWidget* parent)
    : QDialog(parent)
{
    const ServiceInfo& info = serviceInfo(id);
    setWindowTitle(tr("%1 App Registration").arg(info.name));
    setObjectName(QStringLiteral("registrationDialog"));

    QStringList overridden;
    const QString prefix = envPrefix(id);
    m_clientId           = field(settings.clientId, prefix + QStringLiteral("CLIENT_ID"), overridden);

    auto* form = new QFormLayout;
    form->addRow(tr("Client ID:"), m_clientId);
    if (id == ServiceId::OneDrive)
    {
        m_tenant = field(settings.tenant, prefix + QStringLiteral("TENANT"), overridden);
        m_tenant->setPlaceholderText(QStringLiteral("common"));
        form->addRow(tr("Tenant:"), m_tenant);
    }

    // A secret would end up in the host's settings in plain text: none is
    // asked for here (a desktop registration signs in with PKCE and needs none).
    auto* help = new QLabel(
        tr("Register a desktop app with %1 and enter its client ID (no client secret is needed). "
           "Leave empty to use dkcloud's config.toml. See \"Registering your own app\" in dkcloud's README.")
            .arg(info.name));
    help->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(help);
    if (!overridden.isEmpty())
    {
        auto* env = new QLabel(tr("Overridden by the environment: %1").arg(overridden.join(QStringLiteral(", "))));
        env->setWordWrap(true);
        layout->addWidget(env);
    }
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

void RegistrationDialog::apply(ExportSettings& settings) const
{
    if (m_clientId->isEnabled())
        settings.clientId = m_clientId->text().trimmed();
    if (m_tenant && m_tenant->isEnabled())
        settings.tenant = m_tenant->text().trimmed();
}

} // namespace DkCloud
