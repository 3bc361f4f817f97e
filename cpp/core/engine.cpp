#include "engine.h"

#include <QFile>

namespace DkCloud
{

QString toQString(rust::Str text)
{
    return QString::fromUtf8(text.data(), static_cast<int>(text.size()));
}

QString toQString(const rust::String& text)
{
    return QString::fromUtf8(text.data(), static_cast<int>(text.size()));
}

rust::String toRust(const QString& text)
{
    const QByteArray utf8 = text.toUtf8();
    return rust::String(utf8.constData(), static_cast<size_t>(utf8.size()));
}

std::vector<ffi::LocalFile> toLocalFiles(const QList<QUrl>& urls)
{
    std::vector<ffi::LocalFile> files;
    for (const QUrl& url : urls)
    {
        ffi::LocalFile file;
        const QByteArray path = QFile::encodeName(url.toLocalFile());
        for (char byte : path)
            file.path.push_back(static_cast<uint8_t>(byte));
        files.push_back(std::move(file));
    }
    return files;
}

QtLoginEvents::QtLoginEvents(QObject* target, PageOpened pageOpened)
    : m_poster(target)
    , m_pageOpened(std::move(pageOpened))
{
}

void QtLoginEvents::pageOpened(rust::Str url, bool opened) const
{
    const QString copy = toQString(url);
    auto handler       = m_pageOpened;
    m_poster.post([handler, copy, opened]() { handler(copy, opened); });
}

QtUploadEvents::QtUploadEvents(QObject* target, Handlers handlers)
    : m_poster(target)
    , m_handlers(std::move(handlers))
{
}

void QtUploadEvents::fileChanged(const ffi::FileEvent& event) const
{
    auto handler = m_handlers.fileChanged;
    m_poster.post([handler, event]() { handler(event); });
}

void QtUploadEvents::progress(const ffi::JobProgress& progress) const
{
    auto handler = m_handlers.progress;
    m_poster.post([handler, progress]() { handler(progress); });
}

void QtUploadEvents::finished(const ffi::JobSummary& summary) const
{
    auto handler = m_handlers.finished;
    m_poster.post([handler, summary]() { handler(summary); });
}

} // namespace DkCloud
