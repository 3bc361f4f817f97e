#include "thumbnails.h"

#include <QImageReader>
#include <QMetaObject>

namespace DkCloud
{

namespace
{

Thumbnails::Factory& hostFactory()
{
    static Thumbnails::Factory factory;
    return factory;
}

} // namespace

void Thumbnails::setHostFactory(Factory factory)
{
    hostFactory() = std::move(factory);
}

Thumbnails* Thumbnails::create(const QSize& size, QObject* parent)
{
    if (hostFactory())
    {
        if (Thumbnails* host = hostFactory()(size, parent))
            return host;
    }
    return new ReaderThumbnails(size, parent);
}

ReaderThumbnails::ReaderThumbnails(const QSize& size, QObject* parent)
    : Thumbnails(parent)
    , m_size(size)
{
    m_pool.setMaxThreadCount(qBound(1, QThread::idealThreadCount() - 1, 2));
}

ReaderThumbnails::~ReaderThumbnails()
{
    // A decode under way still posts to this object: wait for it (one
    // scaled decode, tens of milliseconds); queued results die with us.
    m_waiting.clear();
    m_pool.waitForDone();
}

void ReaderThumbnails::want(const QStringList& paths)
{
    m_waiting.clear();
    for (const QString& path : paths)
    {
        if (!m_running.contains(path))
            m_waiting.enqueue(path);
    }
    startMore();
}

void ReaderThumbnails::startMore()
{
    while (!m_waiting.isEmpty() && m_running.size() < m_pool.maxThreadCount())
    {
        const QString path = m_waiting.dequeue();
        m_running.insert(path);
        const QSize box = m_size;
        m_pool.start([this, path, box]() {
            const QImage image = decode(path, box);
            QMetaObject::invokeMethod(this, [this, path, image]() { finished(path, image); }, Qt::QueuedConnection);
        });
    }
}

void ReaderThumbnails::finished(const QString& path, const QImage& image)
{
    m_running.remove(path);
    Q_EMIT loaded(path, image.isNull() ? QPixmap() : QPixmap::fromImage(image));
    startMore();
}

QImage ReaderThumbnails::decode(const QString& path, const QSize& box)
{
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QSize full = reader.size();
    if (!full.isValid())
        return {};
    // Orientation is applied after scaling: scale to fit the box either way up.
    const QSize fit = full.scaled(box.expandedTo(box.transposed()), Qt::KeepAspectRatio);
    reader.setScaledSize(fit);
    reader.setQuality(0); // the fast scaler: a thumbnail, not a print
    QImage image = reader.read();
    if (image.isNull())
        return {};
    if (image.width() > box.width() || image.height() > box.height())
        image = image.scaled(box, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    return image;
}

} // namespace DkCloud
