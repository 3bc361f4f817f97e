#include "exportsettings.h"

#include "hostconfig.h"
#include "rcfile.h"

namespace DkCloud
{

namespace
{

bool toBool(const QString& value, bool fallback)
{
    if (value.isEmpty())
        return fallback;
    return value.toLower() == QLatin1String("true");
}

int toInt(const QString& value, int fallback, int low, int high)
{
    bool ok       = false;
    const int got = value.toInt(&ok);
    return ok ? qBound(low, got, high) : fallback;
}

QString fromBool(bool value)
{
    return value ? QStringLiteral("true") : QStringLiteral("false");
}

} // namespace

ExportSettings ExportSettings::load(ServiceId id)
{
    const auto group = RcFile(hostRcPath()).readGroup(serviceInfo(id).settingsGroup);
    ExportSettings s;
    s.account        = group.value(QStringLiteral("Account"));
    s.folder         = group.value(QStringLiteral("Current Album"), s.folder);
    s.resize         = toBool(group.value(QStringLiteral("Resize")), s.resize);
    s.jpegQuality    = toInt(group.value(QStringLiteral("Image Quality")), s.jpegQuality, 1, 100);
    s.maxDimension   = toInt(group.value(QStringLiteral("Maximum Width")), s.maxDimension, 16, 100000);
    s.uploadOriginal = toBool(group.value(QStringLiteral("Upload Original")), s.uploadOriginal);
    s.clientId       = group.value(QStringLiteral("Client Id"));
    s.clientSecret   = group.value(QStringLiteral("Client Secret"));
    s.tenant         = group.value(QStringLiteral("Tenant"));
    return s;
}

bool ExportSettings::save(ServiceId id) const
{
    QMap<QString, QString> group;
    group.insert(QStringLiteral("Account"), account);
    group.insert(QStringLiteral("Current Album"), folder);
    group.insert(QStringLiteral("Resize"), fromBool(resize));
    group.insert(QStringLiteral("Image Quality"), QString::number(jpegQuality));
    group.insert(QStringLiteral("Maximum Width"), QString::number(maxDimension));
    group.insert(QStringLiteral("Upload Original"), fromBool(uploadOriginal));
    group.insert(QStringLiteral("Client Id"), clientId);
    group.insert(QStringLiteral("Client Secret"), clientSecret);
    group.insert(QStringLiteral("Tenant"), tenant);
    return RcFile(hostRcPath()).writeGroup(serviceInfo(id).settingsGroup, group);
}

} // namespace DkCloud
