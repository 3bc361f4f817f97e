#include "itemupload.h"

#include "engine.h"
#include "exportsettings.h"
#include "talker.h"
#include "wording.h"

#include <KLocalizedString>
#include <KSharedConfig>

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTimer>

#include <optional>

#include <unistd.h>

namespace DkCloud
{

namespace
{

ItemUploadResult failure(ServiceId service, const EngineFailure& failed)
{
    ItemUploadResult result;
    const bool cancelled = failed.kind == ffi::ErrorKind::Cancelled;
    result.outcome = cancelled ? QStringLiteral("cancelled") : QStringLiteral("failed");
    result.text    = cancelled ? i18nc("@info batch queue tool", "cancelled") : i18nc("@info batch queue tool", "failed: %1", explainError(service, failed, FrontEnd::QueueTool));
    return result;
}

ItemUploadResult failure(ServiceId service, ffi::ErrorKind kind, const QString& detail)
{
    EngineFailure failed;
    failed.kind  = kind;
    failed.error = detail;
    return failure(service, failed);
}

// A cancelled or failed item leaves no job on offer in the export window
// (BQM runs the item again with its queue): its record is discarded, which
// also cancels an open OneDrive upload session.
void forgetJob(const ffi::ExportSession& engine, ServiceId service, const QString& path)
{
    auto jobs = callEngine<rust::Vec<ffi::UnfinishedJob>>([&]() { return ffi::unfinishedJobs(engineService(service)); });
    if (!jobs.ok())
        return;
    const QByteArray wanted = QFile::encodeName(path);
    for (const ffi::UnfinishedJob& job : *jobs.value)
    {
        if (toQString(job.started_by) != QLatin1String("bqm") || job.files.size() != 1)
            continue;
        const auto& bytes = job.files[0].path;
        if (QByteArray(reinterpret_cast<const char*>(bytes.data()), int(bytes.size())) != wanted)
            continue;
        const rust::String id = job.id;
        callEngine<bool>([&]() {
            engine.discardJob(id);
            return true;
        });
    }
}

QString joined(const QString& folder, const QString& sub)
{
    QStringList parts;
    for (const QString& part : (folder + QLatin1Char('/') + sub).split(QLatin1Char('/'), Qt::SkipEmptyParts))
        parts << part;
    return QLatin1Char('/') + parts.join(QLatin1Char('/'));
}

} // namespace

QString targetFolder(const ItemUploadRequest& request)
{
    QString album = request.album;
    // Neither service takes these in a name; a slash would make a deeper folder.
    album.replace(QRegularExpression(QStringLiteral("[\"*:<>?/\\\\|]")), QStringLiteral("_"));
    album = album.trimmed();
    if (album.isEmpty())
        album = i18nc("@info batch queue tool", "Batch Queue");
    QString sub = request.pattern.trimmed();
    sub.replace(QStringLiteral("{album}"), album);
    return joined(request.folder, sub);
}

QString remoteNameFor(const QString& originalPath, const QString& localPath)
{
    const QFileInfo original(originalPath);
    const QFileInfo local(localPath);
    if (originalPath.isEmpty())
        return local.fileName();
    const QString suffix = local.suffix();
    if (suffix.isEmpty() || suffix.compare(original.suffix(), Qt::CaseInsensitive) == 0)
        return original.fileName();
    return original.completeBaseName() + QLatin1Char('.') + suffix;
}

ItemUploadResult uploadItem(const ItemUploadRequest& request, const std::function<bool()>& cancelled)
{
    const ServiceId service = request.service;
    if (!QFileInfo(request.localPath).isFile())
        return failure(service, ffi::ErrorKind::LocalFile, i18nc("@info batch queue tool", "%1 cannot be read", request.localPath));
    if (request.account.isEmpty())
        return failure(service, ffi::ErrorKind::NotLoggedIn, i18nc("@info batch queue tool", "no account chosen in the tool's settings"));

    // A talker of this (the worker's) thread: its calls here are the blocking
    // ones, and its upload events come to this thread's event loop below.
    Talker        talker(service);
    EngineFailure notOpened;
    QObject::connect(&talker, &Talker::sessionFailed, &talker, [&](const EngineFailure& failed) { notOpened = failed; });
    // The export window's App Registration... serves the queue too.
    talker.openSession(ExportSettings::load(service).registration(), request.account);
    if (!talker.hasSession())
        return failure(service, notOpened);
    const ffi::ExportSession& engine = **talker.session();

    // The account must be the one chosen (openSession falls back to another
    // stored login only when none is named; a name without a login fails here).
    auto exists = callEngine<bool>([&]() { return engine.folderExists(toRust(request.folder)); });
    if (!exists.ok())
        return failure(service, exists);
    if (!*exists.value)
        return failure(service, ffi::ErrorKind::Invalid,
                       i18nc("@info batch queue tool", "the folder %1 is not on %2 any more (removed or renamed): choose a folder in the tool's settings", request.folder, serviceInfo(service).name));
    if (cancelled())
        return failure(service, ffi::ErrorKind::Cancelled, QString());

    // The engine stores a file under its own name: the queue's temporary
    // file gets the item's name through a link (or a copy) in a folder of its own.
    QString       path = request.localPath;
    QTemporaryDir named;
    if (!request.remoteName.isEmpty() && QFileInfo(path).fileName() != request.remoteName)
    {
        const QString linked = named.filePath(request.remoteName);
        if (!named.isValid() ||
            (::link(QFile::encodeName(path).constData(), QFile::encodeName(linked).constData()) != 0 &&
             !QFile::copy(path, linked)))
            return failure(service, ffi::ErrorKind::LocalFile, i18nc("@info batch queue tool", "cannot name %1 as %2", path, request.remoteName));
        path = linked;
    }

    // The export window's upload speed limit holds for the queue too, read
    // for each item so that a change in the window applies from the next one
    // (this worker thread's configuration object may predate that change).
    KSharedConfig::openConfig()->reparseConfiguration();
    ExportSettings::applyUploadLimit(ExportSettings::savedUploadLimit());
    ffi::UploadOptions options{false, 90, 1600, true, toRust(QStringLiteral("bqm"))};
    std::optional<ffi::FileEvent>  final;
    std::optional<ffi::JobSummary> summary;
    std::optional<EngineFailure>   refused;
    QEventLoop                     untilFinished;
    QObject::connect(&talker, &Talker::fileChanged, &talker, [&](const ffi::FileEvent& event) {
        if (event.state != ffi::FileState::Uploading)
            final = event;
    });
    QObject::connect(&talker, &Talker::uploadFinished, &talker, [&](const ffi::JobSummary& ended) {
        summary = ended;
        untilFinished.quit();
    });
    QObject::connect(&talker, &Talker::uploadRefused, &talker, [&](const EngineFailure& failed) { refused = failed; });
    talker.startUpload({QUrl::fromLocalFile(path)}, targetFolder(request), options, request.conflict);
    if (refused)
        return failure(service, *refused);

    bool   cancelAsked = false;
    QTimer poll;
    poll.setInterval(100);
    QObject::connect(&poll, &QTimer::timeout, &talker, [&]() {
        if (!cancelAsked && cancelled())
        {
            talker.cancelUpload();
            cancelAsked = true;
        }
    });
    poll.start();
    if (!summary)
        untilFinished.exec();
    poll.stop();

    const bool finishedFile = final && final->state != ffi::FileState::Failed && final->state != ffi::FileState::Cancelled;
    if (!finishedFile)
        forgetJob(engine, service, QFileInfo(path).absoluteFilePath());
    if (!final)
    {
        if (cancelAsked || (summary && summary->cancelled))
            return failure(service, ffi::ErrorKind::Cancelled, QString());
        const bool said = summary && !toQString(summary->message).isEmpty();
        return failure(service, said ? summary->error_kind : ffi::ErrorKind::Internal,
                       said ? toQString(summary->message) : i18nc("@info batch queue tool", "the upload ended without a word about the file"));
    }
    const FileStateText state = fileStateText(service, *final);
    ItemUploadResult    result;
    result.outcome    = state.name;
    result.text       = state.text;
    result.remotePath = toQString(final->remote_path);
    result.ok         = final->state == ffi::FileState::Uploaded || final->state == ffi::FileState::AlreadyThere ||
                final->state == ffi::FileState::Replaced || final->state == ffi::FileState::KeptBoth;
    if (final->state == ffi::FileState::Skipped)
        result.text = i18nc("@info batch queue tool", "not uploaded: %1", state.text);
    return result;
}

} // namespace DkCloud
