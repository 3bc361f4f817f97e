#include "engine.h"

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

QtLoginEvents::QtLoginEvents(QObject* target, std::function<void(const QString&)> openUrl)
    : m_poster(target)
    , m_openUrl(std::move(openUrl))
{
}

void QtLoginEvents::openUrl(rust::Str url) const
{
    const QString copy = toQString(url);
    auto handler       = m_openUrl;
    m_poster.post([handler, copy]() { handler(copy); });
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
