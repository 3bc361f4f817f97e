#include "bqmsettings.h"

#include "exportsettings.h"

#include <KConfigGroup>
#include <KSharedConfig>

namespace DkCloud
{

namespace
{

const QStringList conflictPolicies = {QStringLiteral("replace"), QStringLiteral("rename"), QStringLiteral("skip")};

KConfigGroup defaultsGroup(ServiceId id)
{
    return KSharedConfig::openConfig()->group(QStringLiteral("dkcloud %1 BQM Settings").arg(serviceInfo(id).name));
}

} // namespace

BqmSettings BqmSettings::fromMap(const QMap<QString, QVariant>& map)
{
    BqmSettings s;
    s.account    = map.value(QStringLiteral("Account"), s.account).toString();
    s.folder     = map.value(QStringLiteral("Folder"), s.folder).toString();
    s.pattern    = map.value(QStringLiteral("FolderPattern"), s.pattern).toString();
    s.keepOutput = map.value(QStringLiteral("KeepOutput"), s.keepOutput).toBool();
    const QString conflict = map.value(QStringLiteral("OnConflict"), s.conflict).toString();
    if (conflictPolicies.contains(conflict))
        s.conflict = conflict;
    return s;
}

QMap<QString, QVariant> BqmSettings::toMap() const
{
    return {{QStringLiteral("Account"), account},
            {QStringLiteral("Folder"), folder},
            {QStringLiteral("FolderPattern"), pattern},
            {QStringLiteral("OnConflict"), conflict},
            {QStringLiteral("KeepOutput"), keepOutput}};
}

BqmSettings BqmSettings::loadDefaults(ServiceId id)
{
    const KConfigGroup group = defaultsGroup(id);
    BqmSettings        s;
    if (!group.exists())
    {
        const ExportSettings dialog = ExportSettings::load(id);
        s.account  = dialog.account;
        s.folder   = dialog.folder;
        s.conflict = dialog.conflict;
        return s;
    }
    QMap<QString, QVariant> map;
    for (const QString& key : {QStringLiteral("Account"), QStringLiteral("Folder"), QStringLiteral("FolderPattern"),
                               QStringLiteral("OnConflict")})
        map.insert(key, group.readEntry(key, QString()));
    map.insert(QStringLiteral("KeepOutput"), group.readEntry("KeepOutput", s.keepOutput));
    return fromMap(map);
}

void BqmSettings::saveAsDefaults(ServiceId id) const
{
    KConfigGroup group = defaultsGroup(id);
    group.writeEntry("Account", account);
    group.writeEntry("Folder", folder);
    group.writeEntry("FolderPattern", pattern);
    group.writeEntry("OnConflict", conflict);
    group.writeEntry("KeepOutput", keepOutput);
    group.sync();
}

} // namespace DkCloud
