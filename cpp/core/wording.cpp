#include "wording.h"

#include "registrationwording.h"

#include <KLocalizedString>

#include <QCoreApplication>
#include <QFileInfo>
#include <QStringList>

namespace DkCloud
{

namespace
{

const QColor good(0x2e, 0x7d, 0x32);
const QColor warn(0x9a, 0x5b, 0x00);
const QColor bad(0xc6, 0x28, 0x28);

// The reason in a list row: short, the details behind it.
QString failureReason(ServiceId service, ffi::ErrorKind kind, const QString& detail)
{
    const QString name = serviceInfo(service).name;
    switch (kind)
    {
        case ffi::ErrorKind::NotLoggedIn:
            return i18nc("@info upload outcome", "not logged in");
        case ffi::ErrorKind::QuotaFull:
            return i18nc("@info upload outcome", "%1 is full", name);
        case ffi::ErrorKind::NameNotAllowed:
            return i18nc("@info upload outcome", "%1 does not accept this name", name);
        case ffi::ErrorKind::Network:
            return i18nc("@info upload outcome", "%1 could not be reached", name);
        case ffi::ErrorKind::Conflict:
            return i18nc("@info upload outcome", "a different file of this name is in the album");
        case ffi::ErrorKind::Mismatch:
            return i18nc("@info upload outcome", "the stored copy does not match the photo");
        case ffi::ErrorKind::LocalFile:
            return i18nc("@info upload outcome: then the engine's own words", "the photo could not be read (%1)", detail);
        case ffi::ErrorKind::Refused:
            return i18nc("@info upload outcome: then the engine's own words", "%1 refused it (%2)", name, detail);
        case ffi::ErrorKind::Internal:
            return i18nc("@info upload outcome: then the engine's own words", "internal error in dkcloud (%1)", detail);
        default:
            return detail;
    }
}

} // namespace

QString humanBytes(double bytes)
{
    // The number as the language writes it (KI18n: "1,5 MiB" in German).
    const KLocalizedString units[] = {ki18nc("@item a size in bytes", "%1 B"), ki18nc("@item a size in kibibytes", "%1 KiB"),
                                      ki18nc("@item a size in mebibytes", "%1 MiB"), ki18nc("@item a size in gibibytes", "%1 GiB")};
    int unit = 0;
    while (bytes >= 1024.0 && unit < 3)
    {
        bytes /= 1024.0;
        ++unit;
    }
    return units[unit].subs(bytes, 0, 'f', unit == 0 ? 0 : 1).toString();
}

QString humanDuration(qint64 seconds)
{
    if (seconds < 0)
        return i18nc("@info upload outcome", "unknown");
    if (seconds < 60)
        return i18nc("@info upload outcome", "%1 s", seconds);
    if (seconds < 3600)
        return i18nc("@info upload outcome", "%1 min %2 s", seconds / 60, seconds % 60);
    return i18nc("@info upload outcome", "%1 h %2 min", seconds / 3600, (seconds % 3600) / 60);
}

namespace
{

// The sentence for a kind of problem, in the reader's language; the
// engine's own words are not part of it (they come after it, as details).
QString problemSentence(ServiceId service, ffi::ErrorKind kind, FrontEnd frontEnd)
{
    const QString name  = serviceInfo(service).name;
    const bool    queue = frontEnd == FrontEnd::QueueTool;
    switch (kind)
    {
        case ffi::ErrorKind::NotLoggedIn:
            return queue ? i18nc("@info upload outcome", "You are not logged in to %1 (or the saved login has expired). Click \"Log In...\" "
                                 "in the upload tool's settings.", name)
                         : i18nc("@info upload outcome", "You are not logged in to %1 (or the saved login has expired). Click \"Log in\".", name);
        case ffi::ErrorKind::LoginFailed:
            return queue ? i18nc("@info upload outcome", "The login did not complete. Click \"Log In...\" in the upload tool's settings to "
                                 "try again.")
                         : i18nc("@info upload outcome", "The login did not complete. Click \"Log in\" to try again.");
        case ffi::ErrorKind::AppNotRegistered:
            return queue ? i18nc("@info upload outcome", "dkcloud has no %1 app registration yet. Open Export > Export to %1... and click "
                                 "\"App Registration...\": it shows how to register one.", name)
                         : i18nc("@info upload outcome", "dkcloud has no %1 app registration yet. Click \"App Registration...\": it shows how "
                                 "to register one (about five minutes).", name);
        case ffi::ErrorKind::RegistrationRefused:
            return i18nc("@info upload outcome", "%1 refused the app registration.", name);
        case ffi::ErrorKind::QuotaFull:
            return queue ? i18nc("@info upload outcome", "Your %1 storage is full. Free some space, then run the queue again.", name)
                         : i18nc("@info upload outcome", "Your %1 storage is full. Free some space, then click \"Start Upload\" again.", name);
        case ffi::ErrorKind::NameNotAllowed:
            return i18nc("@info upload outcome", "%1 does not accept this name. Choose another album name.", name);
        case ffi::ErrorKind::Network:
            return i18nc("@info upload outcome", "%1 could not be reached. Check the network connection and try again.", name);
        case ffi::ErrorKind::Refused:
            return i18nc("@info upload outcome", "%1 refused the request.", name);
        case ffi::ErrorKind::LocalFile:
            return i18nc("@info upload outcome", "A photo could not be read.");
        case ffi::ErrorKind::Cancelled:
            return i18nc("@info upload outcome", "Cancelled.");
        case ffi::ErrorKind::NotInPlan:
            return i18nc("@info upload outcome", "Your %1 plan does not allow this. Choose a link without an expiry date.", name);
        case ffi::ErrorKind::SharingPolicy:
            return i18nc("@info upload outcome", "Your organisation does not allow this %1 link. Ask its administrator, or share from %1's "
                         "web page.", name);
        case ffi::ErrorKind::Internal:
            return i18nc("@info upload outcome", "Internal error in dkcloud.");
        default:
            return {};
    }
}

} // namespace

QString explainError(ServiceId service, ffi::ErrorKind kind, const QString& detail, FrontEnd frontEnd)
{
    const QString sentence = problemSentence(service, kind, frontEnd);
    // Kinds whose sentence says all there is to do: the engine's words would only repeat it.
    const bool said = kind == ffi::ErrorKind::NotLoggedIn || kind == ffi::ErrorKind::AppNotRegistered ||
                      kind == ffi::ErrorKind::QuotaFull || kind == ffi::ErrorKind::Cancelled;
    if (sentence.isEmpty())
        return detail;
    if (said || detail.trimmed().isEmpty())
        return sentence;
    return i18nc("@info a problem, then the engine's own words about it (secondary, may be English)", "%1 (Details: %2)", sentence, detail);
}

QString explainError(ServiceId service, const EngineFailure& failure, FrontEnd frontEnd)
{
    if (failure.kind == ffi::ErrorKind::RegistrationRefused && !failure.issue.problem.empty())
        return explainRegistration(service, failure.issue, frontEnd);
    return explainError(service, failure.kind, failure.error, frontEnd);
}

FileStateText fileStateText(ServiceId service, const ffi::FileEvent& event)
{
    const QString stored = QFileInfo(toQString(event.remote_path)).fileName();
    const QString clash  = QFileInfo(toQString(event.name_clash)).fileName();
    const bool    ownName = !clash.isEmpty() && event.state != ffi::FileState::Failed &&
                         event.state != ffi::FileState::Cancelled && event.state != ffi::FileState::Skipped;
    if (ownName)
    {
        // Another photo of this upload has the same name to the service: this
        // one went up under its own, never over the other.
        const QString name = serviceInfo(service).name;
        return {event.state == ffi::FileState::AlreadyThere
                    ? i18nc("@info upload outcome", "already there as %1 (on %2, %3 is the name of another photo of this upload)",
                            stored, name, clash)
                    : i18nc("@info upload outcome", "uploaded as %1 (on %2, %3 is the name of another photo of this upload)",
                            stored, name, clash),
                good, QStringLiteral("own-name")};
    }
    switch (event.state)
    {
        case ffi::FileState::Uploaded:
            return {i18nc("@info upload outcome", "uploaded"), good, QStringLiteral("uploaded")};
        case ffi::FileState::AlreadyThere:
            return {i18nc("@info upload outcome", "already there (identical)"), good, QStringLiteral("already-there")};
        case ffi::FileState::Replaced:
            return {i18nc("@info upload outcome", "uploaded, replaced the older copy"), good, QStringLiteral("replaced")};
        case ffi::FileState::KeptBoth:
            return {i18nc("@info upload outcome", "uploaded as %1 (kept both)", stored), good, QStringLiteral("kept-both")};
        case ffi::FileState::Skipped:
            // A message says why the engine left it (a name the service never stores).
            if (!toQString(event.message).isEmpty())
                return {i18nc("@info upload outcome", "not stored: %1", toQString(event.message)), warn, QStringLiteral("not-stored")};
            return {i18nc("@info upload outcome", "skipped: a different file has this name"), warn, QStringLiteral("skipped")};
        case ffi::FileState::Failed:
            return {i18nc("@info upload outcome", "failed: %1", failureReason(service, event.error_kind, toQString(event.message))), bad,
                    QStringLiteral("failed")};
        case ffi::FileState::Cancelled:
            return {i18nc("@info upload outcome", "cancelled"), QColor(), QStringLiteral("cancelled")};
        default:
            return {};
    }
}

QString summaryText(ServiceId service, const ffi::JobSummary& s)
{
    QStringList parts;
    const auto count = [&parts](size_t n, const KLocalizedString& text) {
        if (n > 0)
            parts << text.subs(qulonglong(n)).toString();
    };
    count(s.files_uploaded, ki18ncp("@info upload outcome: counted in the summary", "%1 uploaded", "%1 uploaded"));
    count(s.files_replaced, ki18ncp("@info upload outcome: counted in the summary", "%1 replaced", "%1 replaced"));
    count(s.files_kept_both, ki18ncp("@info upload outcome: counted in the summary", "%1 kept both", "%1 kept both"));
    count(s.files_already_there, ki18ncp("@info upload outcome: counted in the summary", "%1 already there", "%1 already there"));
    count(s.files_skipped, ki18ncp("@info upload outcome: counted in the summary", "%1 skipped", "%1 skipped"));
    count(s.files_not_stored, ki18ncp("@info upload outcome: counted in the summary", "%1 not stored", "%1 not stored"));
    count(s.files_failed, ki18ncp("@info upload outcome: counted in the summary", "%1 failed", "%1 failed"));
    QString text = parts.isEmpty() ? i18nc("@info upload outcome", "Nothing was uploaded.") : parts.join(QStringLiteral(", ")) + QLatin1Char('.');
    if (s.cancelled)
        text = i18nc("@info upload outcome", "Cancelled: %1", text);
    if (!toQString(s.message).isEmpty())
        text += QLatin1Char(' ') + explainError(service, s.error_kind, toQString(s.message));
    return text;
}

QString waitingText()
{
    return i18nc("@info upload outcome", "waiting");
}

QString uploadingText(int percent)
{
    return i18nc("@info upload outcome", "uploading %1%", percent);
}

QString ofPhotos(qint64 done, qint64 total)
{
    return i18ncp("@info upload progress: photos done of all", "%2 of %1 photo", "%2 of %1 photos", total, done);
}

QString progressText(const ffi::JobProgress& progress)
{
    return i18nc("@info upload outcome", "%1, %2/s, %3 left", ofPhotos(qint64(progress.files_done), qint64(progress.files_total)), humanBytes(progress.bytes_per_second), humanDuration(progress.eta_seconds));
}

QString onServiceText(ServiceId service, size_t onService, int total, qint64 seconds)
{
    return i18nc("@info upload outcome", "%1 on %2 after %3", ofPhotos(qint64(onService), total), serviceInfo(service).name, humanDuration(seconds));
}

QString summaryHtml(ServiceId service, const ffi::JobSummary& summary)
{
    const QString folder = toQString(summary.folder);
    const QString url    = toQString(summary.folder_web_url);
    QString text         = summaryText(service, summary).toHtmlEscaped();
    // The folder's own address from the service; no guessed link when it gave none.
    if (!url.isEmpty())
        text += QStringLiteral(" <a href=\"%1\">%2</a>")
                    .arg(url.toHtmlEscaped(), i18nc("@info upload outcome", "Open %1 on %2", folder.toHtmlEscaped(), serviceInfo(service).name));
    return text;
}

QString pasteInstructions(ServiceId service)
{
    return service == ServiceId::OneDrive
               ? i18nc("@label pasted sign-in", "After signing in, the browser shows an error page at a localhost address: copy "
                       "the whole address from the address bar and paste it here.")
               : i18nc("@label pasted sign-in", "After allowing access, Dropbox shows a code: paste it here.");
}

QString signInLinkHtml(const QString& url)
{
    // The whole address is the link's target; shown, it is cut short so that
    // it does not widen the dialog (right-click > Copy Link Location copies it all).
    const int shown    = 60;
    const QString text = url.size() > shown ? url.left(shown) + QChar(0x2026) : url;
    return i18nc("@info upload outcome", "No web browser could be started. Open this address in a web browser: %1", QStringLiteral("<a href=\"%1\">%2</a>").arg(url.toHtmlEscaped(), text.toHtmlEscaped()));
}

QString summaryAdvice(const ffi::JobSummary& s)
{
    if (s.files_skipped == 0)
        return {};
    return i18nc("@info upload outcome", "Skipped photos were not stored: to store them, choose \"Replace it with this photo\" or \"Keep "
        "both\" under \"If a photo is already there\", then click \"Start Upload\".");
}

} // namespace DkCloud
