// What the export window remembers per service, in the host's rc file (group
// "dkcloud OneDrive Settings" / "dkcloud Dropbox Settings").
#pragma once

#include "service.h"

#include <QString>

namespace DkCloud
{

struct ExportSettings
{
    QString account;
    QString folder = QStringLiteral("/Pictures");
    bool    resize = false;
    int     jpegQuality  = 90;
    int     maxDimension = 1600;
    bool    uploadOriginal = true;
    // App registration; DKCLOUD_* environment variables override these.
    QString clientId;
    QString clientSecret;
    QString tenant;

    static ExportSettings load(ServiceId id);
    bool save(ServiceId id) const;
};

} // namespace DkCloud
