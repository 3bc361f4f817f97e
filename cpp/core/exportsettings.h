// What the export window remembers per service, in the host's own
// configuration (KSharedConfig::openConfig(): digikamrc or showfotorc, or the
// file given with `digikam --config`), group "dkcloud OneDrive Settings" /
// "dkcloud Dropbox Settings". No secret is ever written there: logins live
// in dkcloud's token store, and a desktop app registration needs no secret.
#pragma once

#include "engine.h"
#include "service.h"

#include <KConfigGroup>
#include <QString>

namespace DkCloud
{

// The host configuration's group "dkcloud": what holds for the whole plugin
// (the take-over answer and moved shortcuts, the upload speed limit).
KConfigGroup dkcloudGroup();

struct ExportSettings
{
    QString account;
    QString folder = QStringLiteral("/Pictures");
    bool    resize = false;
    int     jpegQuality  = 90;
    int     maxDimension = 1600;
    bool    uploadOriginal = true;
    // What to do with a different file of the same name: replace, rename
    // (keep both) or skip. Identical files are never sent again.
    QString conflict = QStringLiteral("replace");
    // App registration; DKCLOUD_* environment variables override these.
    QString clientId;
    QString tenant; // OneDrive only
    // The upload speed limit in KiB/s, 0 for none. One setting for both
    // services (group "dkcloud"): the engine's limit is one budget for all of
    // the plugin's uploads at once.
    int uploadLimit = 0;

    // The registration as the engine takes it (empty fields: config.toml, else the built-in one).
    ffi::AppRegistration registration() const;

    static ExportSettings load(ServiceId id);
    void save(ServiceId id) const;

    // The highest upload limit the window offers, KiB/s.
    static constexpr int maxUploadLimit = 1000000;
    // The saved upload limit alone (KiB/s, 0: none), for the batch queue tools.
    static int savedUploadLimit();
    // Saves the upload limit alone (the window does so as soon as it changes).
    static void saveUploadLimit(int kibPerSecond);
    // Hands the limit to the engine of this library: its running uploads follow it at once.
    static void applyUploadLimit(int kibPerSecond);
};

} // namespace DkCloud
