// What the export window says, in a photographer's words: engine errors by
// their kind (naming the dialog's own buttons, never a command line), each
// photo's state, a run's progress and summary, sizes and durations.
#pragma once

#include "engine.h"
#include "service.h"

#include <QColor>
#include <QString>

namespace DkCloud
{

QString humanBytes(double bytes);
QString humanDuration(qint64 seconds);

// A sentence for the status line: what went wrong and what to click.
// Where the person reading an error is: its advice names that place's buttons.
enum class FrontEnd
{
    ExportWindow, // the export dialog: "Log in", "App Registration...", "Start Upload"
    QueueTool,    // a Batch Queue Manager upload tool: its settings' "Log In...", the queue's Run
};
QString explainError(ServiceId service, ffi::ErrorKind kind, const QString& detail,
                     FrontEnd frontEnd = FrontEnd::ExportWindow);
// The same for a failed engine call, a refused registration worded from its issue.
QString explainError(ServiceId service, const EngineFailure& failure, FrontEnd frontEnd = FrontEnd::ExportWindow);

struct FileStateText
{
    QString text;      // shown in the list
    QColor  colour;
    // A name that stays the same in every language, for signals and logs:
    // uploaded, already-there, replaced, kept-both, skipped, failed, cancelled.
    QString name;
};

// A photo's final state; empty text for states that are not final.
FileStateText fileStateText(ServiceId service, const ffi::FileEvent& event);

// A photo before its turn, and on its way.
QString waitingText();
QString uploadingText(int percent);

// "3 of 10 photos, 4.2 MiB/s, 1 min 5 s left"
// "1 of 1 photo", "2 of 5 photos".
QString ofPhotos(qint64 done, qint64 total);
QString progressText(const ffi::JobProgress& progress);
// "10 of 10 photos on OneDrive after 1 min 5 s": the photos this run stored
// and those that were already there, identical (both are on the service now).
QString onServiceText(ServiceId service, size_t onService, int total, qint64 seconds);

// "2 uploaded, 1 replaced, 1 already there.": each kind counted on its own.
QString summaryText(ServiceId service, const ffi::JobSummary& summary);

// No browser could be started: the sign-in page as a link to open by hand (rich text).
// What to paste when the browser sign-in cannot come back by itself (the
// engine's profile says the same in English for the command line).
QString pasteInstructions(ServiceId service);
QString signInLinkHtml(const QString& url);

// The summary for the dialog (rich text), with a link to the folder's page
// when the service gave its address.
QString summaryHtml(ServiceId service, const ffi::JobSummary& summary);

// What to do about photos the run left out (skipped), else empty.
QString summaryAdvice(const ffi::JobSummary& summary);

} // namespace DkCloud
