// Where the image list's thumbnails come from. Never on the GUI thread: a
// request returns at once and the picture arrives later through `loaded`.
// The plugin sets the host's own loader (digiKam's thumbnail thread and
// cache: cached thumbnails at once, RAW and video previews); without a host
// (the offscreen tests, or a host that offers none) a small pool of worker
// threads decodes the photos with QImageReader at thumbnail scale.
#pragma once

#include <QObject>
#include <QPixmap>
#include <QQueue>
#include <QSet>
#include <QSize>
#include <QStringList>
#include <QThreadPool>

#include <functional>

namespace DkCloud
{

class Thumbnails : public QObject
{
    Q_OBJECT

public:
    using Factory = std::function<Thumbnails*(const QSize& size, QObject* parent)>;

    // Lists made from now on ask the host's loader; an empty factory goes back
    // to the worker threads. Called by the plugin's setup().
    static void setHostFactory(Factory factory);
    // The host's loader where one was set, else the worker threads.
    static Thumbnails* create(const QSize& size, QObject* parent);

    // The photos to load now, most wanted first (the rows in view). Replaces
    // the wish before: what is no longer asked for and not yet started is
    // dropped. Returns at once.
    virtual void want(const QStringList& paths) = 0;
    // A word for logs and tests: "digikam" or "reader".
    virtual QString origin() const = 0;

Q_SIGNALS:
    // On the GUI thread; a null pixmap when the file cannot be shown.
    void loaded(const QString& path, const QPixmap& pixmap);

protected:
    using QObject::QObject;
};

// Decodes on its own threads (at most two, so that digiKam keeps a core),
// each photo scaled while it is decoded (JPEG: in the DCT), and hands the
// small image back to the GUI thread. At most as many photos wait as were
// last wanted.
class ReaderThumbnails : public Thumbnails
{
    Q_OBJECT

public:
    ReaderThumbnails(const QSize& size, QObject* parent);
    ~ReaderThumbnails() override;

    void want(const QStringList& paths) override;
    QString origin() const override { return QStringLiteral("reader"); }

    static QImage decode(const QString& path, const QSize& box);

private:
    void startMore();
    void finished(const QString& path, const QImage& image);

    QSize           m_size;
    QThreadPool     m_pool;
    QQueue<QString> m_waiting;
    QSet<QString>   m_running;
};

} // namespace DkCloud
