// A run as the export window shows it (each photo's state in the list, the
// total bar with rate and ETA, the summary with the folder's link) and as it
// tells it (UploadResult, the counts of the window's uploadFinished signal).
#pragma once

#include "engine.h"
#include "service.h"
#include "wording.h"

#include <QElapsedTimer>
#include <QMetaType>
#include <QString>

namespace DkCloud
{

class ExportWidget;

// What a finished run did on the service, each kind counted apart.
struct UploadResult
{
    int     uploaded     = 0;
    int     alreadyThere = 0;
    int     replaced     = 0;
    int     keptBoth     = 0;
    int     skipped      = 0;
    int     failed       = 0;
    bool    cancelled    = false;
    QString folder;
    // The folder's page on the service's web site, empty when it gave none.
    QString folderUrl;
    // A failure of the run as a whole (not of one photo), else empty.
    QString error;

    // Every photo is in place: nothing failed, nothing was cancelled.
    bool complete() const { return !cancelled && failed == 0 && error.isEmpty(); }
};

UploadResult uploadResult(const ffi::JobSummary& summary);

class UploadProgressView
{
public:
    UploadProgressView(ServiceId service, ExportWidget* ui);

    // A run starts: every photo waits, the last run's marks go.
    void started();
    // Shows a photo's progress or final state; returns the final state (empty
    // text while it is still on its way).
    FileStateText fileChanged(const ffi::FileEvent& event);
    void progress(const ffi::JobProgress& progress);
    void finished(const ffi::JobSummary& summary);

private:
    ServiceId     m_service;
    ExportWidget* m_ui;
    QElapsedTimer m_clock;
};

} // namespace DkCloud

Q_DECLARE_METATYPE(DkCloud::UploadResult)
