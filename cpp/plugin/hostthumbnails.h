// The image list's thumbnails from digiKam's own loader and cache
// (Digikam::ThumbnailLoadThread::defaultThread(), as digiKam's exporters use
// it): thumbnails digiKam already has appear at once, RAW and video files
// show their previews, and the decoding happens on digiKam's threads.
#pragma once

#include "thumbnails.h"

#include <QSet>

namespace Digikam
{

class LoadingDescription;
class ThumbnailLoadThread;

// In digiKam's namespace so that the slot's signature reads as the signal's
// ("LoadingDescription,QPixmap") and the two connect by name.
class DkCloudThumbnailReceiver : public DkCloud::Thumbnails
{
    Q_OBJECT

public:
    DkCloudThumbnailReceiver(ThumbnailLoadThread* loader, int size, QObject* parent);

    void want(const QStringList& paths) override;
    QString origin() const override { return QStringLiteral("digikam"); }

private Q_SLOTS:
    void thumbnailLoaded(const LoadingDescription& description, const QPixmap& pixmap);

private:
    ThumbnailLoadThread* m_loader;
    int                  m_size;
    // Asked for and not yet come: the loader is shared, its signal carries
    // every thumbnail digiKam loads, ours only are taken.
    QSet<QString>        m_asked;
};

} // namespace Digikam

namespace DkCloud
{

// Makes the export windows' lists use digiKam's loader (from the plugin's setup()).
void useHostThumbnails();

} // namespace DkCloud
