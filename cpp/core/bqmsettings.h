// The BQM tool's settings: the keys of BQM's per-tool settings map (kept in
// BQM's workflows and queues) and the remembered defaults a newly added tool
// starts with (the host's configuration, group "dkcloud OneDrive BQM Settings"
// / "dkcloud Dropbox BQM Settings").
#pragma once

#include "service.h"

#include <QMap>
#include <QString>
#include <QVariant>

namespace DkCloud
{

struct BqmSettings
{
    QString account;
    QString folder  = QStringLiteral("/Pictures");
    QString pattern = QStringLiteral("{album}");
    QString conflict = QStringLiteral("replace");
    bool    keepOutput = true;

    static BqmSettings fromMap(const QMap<QString, QVariant>& map);
    QMap<QString, QVariant> toMap() const;

    // Remembered defaults; the first time, the export window's account and folder.
    static BqmSettings loadDefaults(ServiceId id);
    void saveAsDefaults(ServiceId id) const;
};

} // namespace DkCloud
