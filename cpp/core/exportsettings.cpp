#include "exportsettings.h"

#include <KConfigGroup>
#include <KSharedConfig>

namespace DkCloud
{

namespace
{

const QStringList conflictPolicies = {QStringLiteral("replace"), QStringLiteral("rename"), QStringLiteral("skip")};

KConfigGroup settingsGroup(ServiceId id)
{
    return KSharedConfig::openConfig()->group(serviceInfo(id).settingsGroup);
}

} // namespace

KConfigGroup dkcloudGroup()
{
    return KSharedConfig::openConfig()->group(QStringLiteral("dkcloud"));
}

ExportSettings ExportSettings::load(ServiceId id)
{
    const KConfigGroup group = settingsGroup(id);
    ExportSettings s;
    s.account        = group.readEntry("Account", s.account);
    s.folder         = group.readEntry("Current Album", s.folder);
    s.resize         = group.readEntry("Resize", s.resize);
    s.jpegQuality    = qBound(1, group.readEntry("Image Quality", s.jpegQuality), 100);
    s.maxDimension   = qBound(16, group.readEntry("Maximum Width", s.maxDimension), 100000);
    s.uploadOriginal = group.readEntry("Upload Original", s.uploadOriginal);
    const QString conflict = group.readEntry("On Conflict", s.conflict);
    if (conflictPolicies.contains(conflict))
        s.conflict = conflict;
    s.clientId = group.readEntry("Client Id", QString());
    if (id == ServiceId::OneDrive)
        s.tenant = group.readEntry("Tenant", QString());
    s.uploadLimit = savedUploadLimit();
    return s;
}

int ExportSettings::savedUploadLimit()
{
    return qBound(0, dkcloudGroup().readEntry("Upload Limit", 0), maxUploadLimit);
}

void ExportSettings::saveUploadLimit(int kibPerSecond)
{
    KConfigGroup group = dkcloudGroup();
    group.writeEntry("Upload Limit", kibPerSecond);
    group.sync();
}

void ExportSettings::applyUploadLimit(int kibPerSecond)
{
    ffi::setUploadLimit(static_cast<uint32_t>(qBound(0, kibPerSecond, maxUploadLimit)));
}

ffi::AppRegistration ExportSettings::registration() const
{
    ffi::AppRegistration registration;
    registration.client_id = toRust(clientId);
    registration.tenant    = toRust(tenant);
    return registration;
}

void ExportSettings::save(ServiceId id) const
{
    KConfigGroup group = settingsGroup(id);
    group.writeEntry("Account", account);
    group.writeEntry("Current Album", folder);
    group.writeEntry("Resize", resize);
    group.writeEntry("Image Quality", jpegQuality);
    group.writeEntry("Maximum Width", maxDimension);
    group.writeEntry("Upload Original", uploadOriginal);
    group.writeEntry("On Conflict", conflict);
    group.writeEntry("Client Id", clientId);
    if (id == ServiceId::OneDrive)
        group.writeEntry("Tenant", tenant);
    else
        group.deleteEntry("Tenant");
    // Earlier versions kept a client secret here in plain text.
    group.deleteEntry("Client Secret");
    group.sync();
    saveUploadLimit(uploadLimit);
}

} // namespace DkCloud
