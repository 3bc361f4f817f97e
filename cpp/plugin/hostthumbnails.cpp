#include "hostthumbnails.h"

#include "thumbnailloader_api.h"

namespace Digikam
{

DkCloudThumbnailReceiver::DkCloudThumbnailReceiver(ThumbnailLoadThread* loader, int size, QObject* parent)
    : DkCloud::Thumbnails(parent)
    , m_loader(loader)
    , m_size(size)
{
    // The signal comes on the loader's thread, the GUI thread, as ours.
    connect(m_loader, SIGNAL(signalThumbnailLoaded(LoadingDescription,QPixmap)), this,
            SLOT(thumbnailLoaded(LoadingDescription,QPixmap)));
}

void DkCloudThumbnailReceiver::want(const QStringList& paths)
{
    // digiKam queues the requests on its own threads and keeps no duplicate;
    // rows already asked for are not asked again.
    for (const QString& path : paths)
    {
        if (m_asked.contains(path))
            continue;
        m_asked.insert(path);
        m_loader->find(ThumbnailIdentifier(path), m_size);
    }
}

void DkCloudThumbnailReceiver::thumbnailLoaded(const LoadingDescription& description, const QPixmap& pixmap)
{
    if (m_asked.remove(description.filePath))
        Q_EMIT loaded(description.filePath, pixmap);
}

} // namespace Digikam

namespace DkCloud
{

void useHostThumbnails()
{
    Thumbnails::setHostFactory([](const QSize& size, QObject* parent) -> Thumbnails* {
        Digikam::ThumbnailLoadThread* loader = Digikam::ThumbnailLoadThread::defaultThread();
        if (!loader)
            return nullptr;
        return new Digikam::DkCloudThumbnailReceiver(loader, qMax(size.width(), size.height()), parent);
    });
}

} // namespace DkCloud
