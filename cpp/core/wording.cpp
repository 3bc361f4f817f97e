#include "wording.h"

#include "registrationwording.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QStringList>

namespace DkCloud
{

namespace
{

QString tr(const char* text)
{
    return QCoreApplication::translate("DkCloud::ExportWindow", text);
}

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
            return tr("not logged in");
        case ffi::ErrorKind::QuotaFull:
            return tr("%1 is full").arg(name);
        case ffi::ErrorKind::NameNotAllowed:
            return tr("%1 does not accept this name").arg(name);
        case ffi::ErrorKind::Network:
            return tr("%1 could not be reached").arg(name);
        case ffi::ErrorKind::Conflict:
            return tr("a different file of this name is in the album");
        default:
            return detail;
    }
}

} // namespace

QString humanBytes(double bytes)
{
    const char* units[] = {"B", "KiB", "MiB", "GiB"};
    int unit            = 0;
    while (bytes >= 1024.0 && unit < 3)
    {
        bytes /= 1024.0;
        ++unit;
    }
    return QString::number(bytes, 'f', unit == 0 ? 0 : 1) + QLatin1Char(' ') + QLatin1String(units[unit]);
}

QString humanDuration(qint64 seconds)
{
    if (seconds < 0)
        return tr("unknown");
    if (seconds < 60)
        return tr("%1 s").arg(seconds);
    if (seconds < 3600)
        return tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    return tr("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
}

QString explainError(ServiceId service, ffi::ErrorKind kind, const QString& detail, FrontEnd frontEnd)
{
    const QString name  = serviceInfo(service).name;
    const bool    queue = frontEnd == FrontEnd::QueueTool;
    switch (kind)
    {
        case ffi::ErrorKind::NotLoggedIn:
            return queue ? tr("You are not logged in to %1 (or the saved login has expired). Click \"Log In...\" "
                              "in the upload tool's settings.").arg(name)
                         : tr("You are not logged in to %1 (or the saved login has expired). Click \"Log in\".").arg(name);
        case ffi::ErrorKind::LoginFailed:
            return queue ? tr("The login did not complete: %1. Click \"Log In...\" in the upload tool's settings to "
                              "try again.").arg(detail)
                         : tr("The login did not complete: %1. Click \"Log in\" to try again.").arg(detail);
        case ffi::ErrorKind::AppNotRegistered:
            return queue ? tr("dkcloud has no %1 app registration yet. Open Export > Export to %1... and click "
                              "\"App Registration...\": it shows how to register one.").arg(name)
                         : tr("dkcloud has no %1 app registration yet. Click \"App Registration...\": it shows how "
                              "to register one (about five minutes).").arg(name);
        case ffi::ErrorKind::RegistrationRefused:
            return tr("%1 refused the app registration: %2").arg(name, detail);
        case ffi::ErrorKind::QuotaFull:
            return queue ? tr("Your %1 storage is full. Free some space, then run the queue again.").arg(name)
                         : tr("Your %1 storage is full. Free some space, then click \"Start Upload\" again.").arg(name);
        case ffi::ErrorKind::NameNotAllowed:
            return tr("%1 does not accept this name (%2). Choose another album name.").arg(name, detail);
        case ffi::ErrorKind::Network:
            return tr("%1 could not be reached (%2). Check the network connection and try again.").arg(name, detail);
        case ffi::ErrorKind::Refused:
            return tr("%1 refused: %2").arg(name, detail);
        case ffi::ErrorKind::LocalFile:
            return tr("A photo could not be read: %1").arg(detail);
        case ffi::ErrorKind::Cancelled:
            return tr("Cancelled.");
        case ffi::ErrorKind::NotInPlan:
            return tr("Your %1 plan does not allow this (%2). Choose a link without an expiry date.").arg(name, detail);
        case ffi::ErrorKind::SharingPolicy:
            return tr("Your organisation does not allow this %1 link (%2). Ask its administrator, or share from %1's "
                      "web page.")
                .arg(name, detail);
        case ffi::ErrorKind::Internal:
            return tr("Internal error in dkcloud: %1").arg(detail);
        default:
            return detail;
    }
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
        const QString how = event.state == ffi::FileState::AlreadyThere ? tr("already there as %1") : tr("uploaded as %1");
        return {tr("%1 (on %2, %3 is the name of another photo of this upload)").arg(how.arg(stored), serviceInfo(service).name, clash),
                good, QStringLiteral("own-name")};
    }
    switch (event.state)
    {
        case ffi::FileState::Uploaded:
            return {tr("uploaded"), good, QStringLiteral("uploaded")};
        case ffi::FileState::AlreadyThere:
            return {tr("already there (identical)"), good, QStringLiteral("already-there")};
        case ffi::FileState::Replaced:
            return {tr("uploaded, replaced the older copy"), good, QStringLiteral("replaced")};
        case ffi::FileState::KeptBoth:
            return {tr("uploaded as %1 (kept both)").arg(stored), good, QStringLiteral("kept-both")};
        case ffi::FileState::Skipped:
            // A message says why the engine left it (a name the service never stores).
            if (!toQString(event.message).isEmpty())
                return {tr("not stored: %1").arg(toQString(event.message)), warn, QStringLiteral("not-stored")};
            return {tr("skipped: a different file has this name"), warn, QStringLiteral("skipped")};
        case ffi::FileState::Failed:
            return {tr("failed: %1").arg(failureReason(service, event.error_kind, toQString(event.message))), bad,
                    QStringLiteral("failed")};
        case ffi::FileState::Cancelled:
            return {tr("cancelled"), QColor(), QStringLiteral("cancelled")};
        default:
            return {};
    }
}

QString summaryText(ServiceId service, const ffi::JobSummary& s)
{
    QStringList parts;
    const auto count = [&parts](size_t n, const QString& text) {
        if (n > 0)
            parts << text.arg(n);
    };
    count(s.files_uploaded, tr("%1 uploaded"));
    count(s.files_replaced, tr("%1 replaced"));
    count(s.files_kept_both, tr("%1 kept both"));
    count(s.files_already_there, tr("%1 already there"));
    count(s.files_skipped, tr("%1 skipped"));
    count(s.files_not_stored, tr("%1 not stored"));
    count(s.files_failed, tr("%1 failed"));
    QString text = parts.isEmpty() ? tr("Nothing was uploaded.") : parts.join(QStringLiteral(", ")) + QLatin1Char('.');
    if (s.cancelled)
        text = tr("Cancelled: %1").arg(text);
    if (!toQString(s.message).isEmpty())
        text += QLatin1Char(' ') + explainError(service, s.error_kind, toQString(s.message));
    return text;
}

QString waitingText()
{
    return tr("waiting");
}

QString uploadingText(int percent)
{
    return tr("uploading %1%").arg(percent);
}

QString ofPhotos(qint64 done, qint64 total)
{
    return total == 1 ? tr("%1 of 1 photo").arg(done) : tr("%1 of %2 photos").arg(done).arg(total);
}

QString progressText(const ffi::JobProgress& progress)
{
    return tr("%1, %2/s, %3 left")
        .arg(ofPhotos(qint64(progress.files_done), qint64(progress.files_total)),
             humanBytes(progress.bytes_per_second), humanDuration(progress.eta_seconds));
}

QString onServiceText(ServiceId service, size_t onService, int total, qint64 seconds)
{
    return tr("%1 on %2 after %3").arg(ofPhotos(qint64(onService), total), serviceInfo(service).name, humanDuration(seconds));
}

QString summaryHtml(ServiceId service, const ffi::JobSummary& summary)
{
    const QString folder = toQString(summary.folder);
    const QString url    = toQString(summary.folder_web_url);
    QString text         = summaryText(service, summary).toHtmlEscaped();
    // The folder's own address from the service; no guessed link when it gave none.
    if (!url.isEmpty())
        text += QStringLiteral(" <a href=\"%1\">%2</a>")
                    .arg(url.toHtmlEscaped(), tr("Open %1 on %2").arg(folder.toHtmlEscaped(), serviceInfo(service).name));
    return text;
}

QString signInLinkHtml(const QString& url)
{
    // The whole address is the link's target; shown, it is cut short so that
    // it does not widen the dialog (right-click > Copy Link Location copies it all).
    const int shown    = 60;
    const QString text = url.size() > shown ? url.left(shown) + QChar(0x2026) : url;
    return tr("No web browser could be started. Open this address in a web browser: %1")
        .arg(QStringLiteral("<a href=\"%1\">%2</a>").arg(url.toHtmlEscaped(), text.toHtmlEscaped()));
}

QString summaryAdvice(const ffi::JobSummary& s)
{
    if (s.files_skipped == 0)
        return {};
    return tr("Skipped photos were not stored: to store them, choose \"Replace it with this photo\" or \"Keep "
              "both\" under \"If a photo is already there\", then click \"Start Upload\".");
}

} // namespace DkCloud
