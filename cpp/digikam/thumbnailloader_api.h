// digiKam's thumbnail loader, the one its own exporters' image lists use:
// our own declaration of the few members of Digikam::ThumbnailLoadThread,
// ThumbnailIdentifier and LoadingDescription we touch. All are exported
// non-virtual functions of libdigikamcore or plain data members, the same in
// 7.9, 8.6 and 9.1 (the ABI test checks every symbol the plugin imports against
// the installed library). Nothing here is constructed by us but the
// identifier; the thread and the descriptions are the library's.
#pragma once

#if defined(DKCLOUD_DIGIKAM_SYSTEM_HEADERS)
#   include <loadingdescription.h>
#   include <thumbnailinfo.h>
#   include <thumbnailloadthread.h>
#else

#include "abi-7.9/dkcloud_qobject_decl.h"

#include <QObject>
#include <QPixmap>
#include <QString>

namespace Digikam
{

// Which photo to make a thumbnail of: a path, and digiKam's database id where
// known (0: found by path). Plain data, built here: 7.9 exports its two
// constructors, 8.x defines them inline in its header (libdigikamcore 8.6
// exports none), and both only set these two members.
class ThumbnailIdentifier
{
public:
    ThumbnailIdentifier() = default;
    explicit ThumbnailIdentifier(const QString& path)
        : filePath(path)
    {
    }

    QString   filePath;
    qlonglong id = 0;
};
static_assert(sizeof(ThumbnailIdentifier) == sizeof(QString) + sizeof(qlonglong),
              "ThumbnailIdentifier is a path and an id");

// What a loaded thumbnail was made from. Only read through the reference a
// signal passes; its first data member is the file's path (no base class,
// no virtual function: `nm` shows no vtable for it), the rest is left
// undeclared, so it is never copied, built or destroyed here.
class LoadingDescription
{
public:
    QString filePath;

    LoadingDescription()                                     = delete;
    LoadingDescription(const LoadingDescription&)            = delete;
    LoadingDescription& operator=(const LoadingDescription&) = delete;
    ~LoadingDescription()                                    = delete;
};

// A QObject living in the GUI thread whose worker threads load thumbnails
// from digiKam's thumbnail database (or the freedesktop.org cache in
// showfoto) and make missing ones (RAW and video too). Results come through
// signalThumbnailLoaded on the thread's own (GUI) thread; cached ones at
// once, from within find().
class ThumbnailLoadThread : public QObject
{
    DKCLOUD_DIGIKAM_QOBJECT_MEMBERS

public:
    ThumbnailLoadThread(const ThumbnailLoadThread&)            = delete;
    ThumbnailLoadThread& operator=(const ThumbnailLoadThread&) = delete;

    // digiKam's shared loader (the one its exporters use).
    static ThumbnailLoadThread* defaultThread();

    // Asks for the thumbnail of at most `size` pixels a side: emits
    // signalThumbnailLoaded from within when cached, later when made.
    void find(const ThumbnailIdentifier& identifier, int size);

    // The signal's own declaration, for connections by name:
    // SIGNAL(signalThumbnailLoaded(LoadingDescription,QPixmap)).
    void signalThumbnailLoaded(const LoadingDescription& description, const QPixmap& pixmap);

private:
    ThumbnailLoadThread();
    ~ThumbnailLoadThread() override;
};

} // namespace Digikam

#endif
