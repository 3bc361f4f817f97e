// One queue item's upload, as a BQM worker thread runs it: blocking, on the
// engine's runtime, cancellable, and with the same honest outcome as the
// export window (uploaded, already there, replaced, kept both, skipped,
// failed, cancelled). No widgets, no digiKam types.
#pragma once

#include "service.h"

#include <QString>

#include <functional>

namespace DkCloud
{

// What a BQM tool's settings say, for one item.
struct ItemUploadRequest
{
    ServiceId service = ServiceId::OneDrive;
    QString   account;
    // The chosen folder; it must still exist (a removed folder is an error,
    // not silently made again).
    QString folder;
    // A subfolder below it, "{album}" standing for the item's album; made when missing.
    QString pattern;
    QString album;
    QString conflict = QStringLiteral("replace");
    // The file as the earlier tools of the queue left it, and the name it
    // gets on the service (the item's own name, with the file's extension).
    QString localPath;
    QString remoteName;
};

struct ItemUploadResult
{
    bool    ok = false;
    // uploaded, already-there, replaced, kept-both, skipped, failed, cancelled
    QString outcome;
    // What BQM shows for the item, in the export window's words.
    QString text;
    QString remotePath;
};

// The folder a request uploads into: folder + the pattern with {album}
// filled in, characters a service refuses in a name replaced.
QString targetFolder(const ItemUploadRequest& request);

// The name an item gets remotely: its original base name, the extension of
// the file the queue hands over (a format conversion earlier in the queue).
QString remoteNameFor(const QString& originalPath, const QString& localPath);

// Blocks until the upload ends; `cancelled` is polled (about every 100 ms)
// and stops the upload cleanly.
ItemUploadResult uploadItem(const ItemUploadRequest& request, const std::function<bool()>& cancelled);

} // namespace DkCloud
