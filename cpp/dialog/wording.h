// What the export window says, in a photographer's words: engine errors by
// their kind (naming the dialog's own buttons, never a command line), each
// finished photo's state, the summary of a run, sizes and durations.
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
QString explainError(ServiceId service, ffi::ErrorKind kind, const QString& detail);

struct FileStateText
{
    QString text;      // shown in the list
    QColor  colour;
    QString hookName;  // uploaded, already-there, replaced, kept-both, skipped, failed, cancelled
};

// A photo's final state; empty text for states that are not final.
FileStateText fileStateText(ServiceId service, const ffi::FileEvent& event);

// "2 uploaded, 1 replaced, 1 already there.": each kind counted on its own.
QString summaryText(ServiceId service, const ffi::JobSummary& summary);

// No browser could be started: the sign-in page as a link to open by hand (rich text).
QString signInLinkHtml(const QString& url);

// What to do about photos the run left out (skipped), else empty.
QString summaryAdvice(const ffi::JobSummary& summary);

} // namespace DkCloud
