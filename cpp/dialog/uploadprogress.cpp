#include "uploadprogress.h"

#include "exportwidget.h"
#include "imagelist.h"

#include <QLabel>
#include <QProgressBar>

namespace DkCloud
{

UploadResult uploadResult(const ffi::JobSummary& summary)
{
    UploadResult result;
    result.uploaded     = static_cast<int>(summary.files_uploaded);
    result.alreadyThere = static_cast<int>(summary.files_already_there);
    result.replaced     = static_cast<int>(summary.files_replaced);
    result.keptBoth     = static_cast<int>(summary.files_kept_both);
    result.skipped      = static_cast<int>(summary.files_skipped);
    result.failed       = static_cast<int>(summary.files_failed);
    result.cancelled    = summary.cancelled;
    result.folder       = toQString(summary.folder);
    result.folderUrl    = toQString(summary.folder_web_url);
    result.error        = toQString(summary.message);
    return result;
}

UploadProgressView::UploadProgressView(ServiceId service, ExportWidget* ui)
    : m_service(service)
    , m_ui(ui)
{
}

void UploadProgressView::started()
{
    m_ui->imageList()->setAllStates(waitingText());
    m_ui->progressBar()->setValue(0);
    m_ui->summaryLabel()->clear();
    m_ui->statusLabel()->clear();
    m_ui->rateLabel()->clear();
    m_clock.start();
}

FileStateText UploadProgressView::fileChanged(const ffi::FileEvent& event)
{
    const int row = static_cast<int>(event.index);
    if (event.state == ffi::FileState::Uploading)
    {
        const int percent = event.bytes_total ? int(event.bytes_sent * 100 / event.bytes_total) : 0;
        m_ui->imageList()->setState(row, uploadingText(percent));
        return {};
    }
    const FileStateText state = fileStateText(m_service, event);
    if (!state.text.isEmpty())
        m_ui->imageList()->setState(row, state.text, state.colour);
    return state;
}

void UploadProgressView::progress(const ffi::JobProgress& progress)
{
    if (progress.bytes_total > 0)
        m_ui->progressBar()->setValue(int(progress.bytes_sent * 1000 / progress.bytes_total));
    m_ui->rateLabel()->setText(progressText(progress));
}

void UploadProgressView::finished(const ffi::JobSummary& summary)
{
    m_ui->summaryLabel()->setText(summaryHtml(m_service, summary));
    m_ui->statusLabel()->setText(summaryAdvice(summary));
    if (uploadResult(summary).complete())
        m_ui->progressBar()->setValue(m_ui->progressBar()->maximum());
    // Stored by this run or already there, identical: on the service either way.
    const size_t onService =
        summary.files_uploaded + summary.files_replaced + summary.files_kept_both + summary.files_already_there;
    m_ui->rateLabel()->setText(
        onServiceText(m_service, onService, m_ui->imageList()->topLevelItemCount(), m_clock.elapsed() / 1000));
}

} // namespace DkCloud
