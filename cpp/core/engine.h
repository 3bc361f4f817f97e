// The Qt side of the bridge to the Rust engine: the one place where
// rust::Error is caught and turned into a message, conversions between Qt and
// cxx types, running blocking engine calls off the GUI thread, and event
// sinks that hand engine events to the GUI thread without ever touching a
// window that has been closed.
#pragma once

#include "dkcloud-ffi/src/lib.rs.h"

#include <QCoreApplication>
#include <QList>
#include <QPointer>
#include <QString>
#include <QUrl>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace DkCloud
{

namespace ffi = dkcloud::ffi;

// Why an engine call failed.
struct EngineFailure
{
    // The engine's details (for the log and a "details" line), and what kind
    // of problem it is: the dialog words its message from the kind.
    QString                error;
    ffi::ErrorKind         kind = ffi::ErrorKind::None;
    // What a RegistrationRefused error is about (problem empty otherwise).
    ffi::RegistrationIssue issue;
};

template <typename T>
struct Outcome : EngineFailure
{
    std::optional<T> value;

    bool ok() const { return value.has_value(); }
};

QString toQString(rust::Str text);
QString toQString(const rust::String& text);
rust::String toRust(const QString& text);
// Local files as the engine takes them: paths as raw bytes (QFile::encodeName).
std::vector<ffi::LocalFile> toLocalFiles(const QList<QUrl>& urls);

// Runs an engine call; a rust::Error (or any exception) becomes the outcome's error.
template <typename T>
Outcome<T> callEngine(const std::function<T()>& work)
{
    Outcome<T> outcome;
    try
    {
        outcome.value.emplace(work());
    }
    catch (const rust::Error& e)
    {
        outcome.kind  = ffi::errorKindOf(e.what());
        outcome.error = toQString(ffi::errorDetailOf(e.what()));
        if (outcome.kind == ffi::ErrorKind::RegistrationRefused)
        {
            // The details hold the issue's fields: the log gets them in words.
            outcome.issue = ffi::registrationIssueOf(e.what());
            outcome.error = toQString(outcome.issue.problem) + QLatin1Char(' ') + toQString(outcome.issue.value) +
                            QStringLiteral(": ") + toQString(outcome.issue.said);
        }
    }
    catch (const std::exception& e)
    {
        outcome.kind  = ffi::ErrorKind::Internal;
        outcome.error = QString::fromUtf8(e.what());
    }
    return outcome;
}

// Posts a function to the thread `target` lives in (the GUI thread for a
// window; a BQM worker's own thread for its talker); it runs only while
// `target` is alive, and never once detach() was called (the window closed).
class GuiPoster
{
public:
    explicit GuiPoster(QObject* target)
        : m_target(target)
    {
    }

    void post(std::function<void()> fn) const
    {
        // Under the lock: the owner detaches before it goes, so the target
        // cannot go away between the check and the posting. A target deleted
        // later drops the call with its other pending events.
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_target.isNull() || !QCoreApplication::instance())
            return;
        QMetaObject::invokeMethod(m_target.data(), std::move(fn), Qt::QueuedConnection);
    }

    void detach()
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_target.clear();
    }

private:
    mutable std::mutex m_mutex;
    QPointer<QObject>  m_target;
};

// Runs `work` (a blocking engine call) on its own thread and `done` on
// `context`'s thread with its outcome, unless `context` was destroyed meanwhile.
template <typename T>
void runInBackground(QObject* context, std::function<T()> work, std::function<void(const Outcome<T>&)> done)
{
    auto poster = std::make_shared<GuiPoster>(context);
    std::thread([poster, work = std::move(work), done = std::move(done)]() {
        auto outcome = std::make_shared<Outcome<T>>(callEngine<T>(work));
        poster->post([done, outcome]() { done(*outcome); });
    }).detach();
}

// Hands "the sign-in page was opened (or no browser could be started)" to the GUI thread.
class QtLoginEvents final : public ffi::LoginEvents
{
public:
    using PageOpened = std::function<void(const QString& url, bool opened)>;

    QtLoginEvents(QObject* target, PageOpened pageOpened);
    void pageOpened(rust::Str url, bool opened) const override;
    void detach() { m_poster.detach(); }

private:
    mutable GuiPoster m_poster;
    PageOpened        m_pageOpened;
};

class QtUploadEvents final : public ffi::UploadEvents
{
public:
    struct Handlers
    {
        std::function<void(const ffi::FileEvent&)>   fileChanged;
        std::function<void(const ffi::JobProgress&)> progress;
        std::function<void(const ffi::JobSummary&)>  finished;
    };

    QtUploadEvents(QObject* target, Handlers handlers);
    void fileChanged(const ffi::FileEvent& event) const override;
    void progress(const ffi::JobProgress& progress) const override;
    void finished(const ffi::JobSummary& summary) const override;
    void detach() { m_poster.detach(); }

private:
    mutable GuiPoster m_poster;
    Handlers          m_handlers;
};

} // namespace DkCloud
