// The export window's share links and the uploads it offers to finish: an
// earlier run of this service that stopped before its end (closed, killed,
// digiKam quit or crashed) is offered with Resume and Discard when the window
// opens; Share Link makes the chosen album's link and copies it.
#include "exportwindow.h"

#include "exportwidget.h"
#include "imagelist.h"
#include "talker.h"
#include "wording.h"

#include <KLocalizedString>

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QLoggingCategory>
#include <QPushButton>

Q_DECLARE_LOGGING_CATEGORY(DKCLOUD_LOG)

namespace DkCloud
{

namespace
{

QList<QUrl> jobFiles(const ffi::UnfinishedJob& job)
{
    QList<QUrl> urls;
    for (const ffi::LocalFile& file : job.files)
        urls << QUrl::fromLocalFile(QFile::decodeName(
            QByteArray(reinterpret_cast<const char*>(file.path.data()), static_cast<int>(file.path.size()))));
    return urls;
}

// The folder the job's photos come from (their closest common one).
QString sourceFolder(const QList<QUrl>& files)
{
    QString common;
    for (const QUrl& url : files)
    {
        const QString dir = QFileInfo(url.toLocalFile()).absolutePath();
        if (common.isNull())
            common = dir;
        while (!common.isEmpty() && dir != common && !dir.startsWith(common + QLatin1Char('/')))
            common = QFileInfo(common).path() == common ? QString() : QFileInfo(common).path();
    }
    return common.isEmpty() ? QStringLiteral("/") : common;
}

// Where a job was started, from the engine's front-end name.
QString startedIn(const QString& frontEnd)
{
    if (frontEnd == QLatin1String("digikam"))
        return QStringLiteral("digiKam");
    if (frontEnd == QLatin1String("showfoto"))
        return QStringLiteral("showfoto");
    if (frontEnd == QLatin1String("cli"))
        return i18nc("@info where an unfinished upload was started", "the command line (dkcloud)");
    return frontEnd;
}

} // namespace

void ExportWindow::offerUnfinished()
{
    const ffi::Service service = engineService(m_service);
    runInBackground<rust::Vec<ffi::UnfinishedJob>>(
        this, [service]() { return ffi::unfinishedJobs(service); },
        [this](const Outcome<rust::Vec<ffi::UnfinishedJob>>& outcome) {
            if (!outcome.ok())
            {
                qCWarning(DKCLOUD_LOG).noquote() << "cannot read the unfinished uploads:" << outcome.error;
                return;
            }
            // The newest that no other upload is running right now.
            const ffi::UnfinishedJob* offered = nullptr;
            for (const ffi::UnfinishedJob& job : *outcome.value)
                if (!job.running_now)
                    offered = &job;
            if (!offered || isUploading())
                return;
            m_offeredJob   = toQString(offered->id);
            m_offeredFiles = jobFiles(*offered);
            const QString started =
                QLocale().toString(QDateTime::fromSecsSinceEpoch(offered->started), QLocale::ShortFormat);
            const QString what = i18ncp("@info an unfinished upload's photos", "%1 photo from %2", "%1 photos from %2",
                                        offered->files_total, sourceFolder(m_offeredFiles));
            m_ui->resumeText()->setText(
                i18nc("@info export window", "An earlier upload to %1 did not finish: %2 to %3, %4 of %5 stored (started %6 in %7). "
                      "Resume sends what is left.", serviceInfo(m_service).name, what, toQString(offered->destination),
                      offered->files_done, offered->files_total, started, startedIn(toQString(offered->started_by))));
            m_ui->resumeBar()->show();
            updateButtons();
            Q_EMIT unfinishedOffered(m_offeredJob);
        });
}

void ExportWindow::resumeUnfinished()
{
    if (!m_talker->hasSession() || isUploading() || m_offeredJob.isEmpty())
        return;
    // The list shows the job's own photos: its progress speaks of them.
    m_ui->imageList()->removeAll();
    m_ui->imageList()->addUrls(m_offeredFiles);
    qCInfo(DKCLOUD_LOG).noquote() << "resuming the unfinished upload" << m_offeredJob;
    m_resuming = true;
    m_talker->resumeUpload(m_offeredJob);
    // Refused, it stays on offer (the bar is still there); started, it is no longer offered.
    if (isUploading())
        m_offeredJob.clear();
}

void ExportWindow::discardUnfinished()
{
    if (!m_talker->hasSession() || m_offeredJob.isEmpty())
        return;
    auto session          = m_talker->session();
    const QString jobId   = m_offeredJob;
    const rust::String id = toRust(jobId);
    setBusy(true);
    runInBackground<bool>(
        this,
        [session, id]() {
            (*session)->discardJob(id);
            return true;
        },
        [this, jobId](const Outcome<bool>& outcome) {
            setBusy(false);
            if (!outcome.ok())
            {
                showError(i18nc("@info:status export window", "Cannot discard the upload:"), outcome);
                return;
            }
            m_offeredJob.clear();
            m_ui->resumeBar()->hide();
            m_ui->statusLabel()->setText(i18nc("@info:status export window", "The unfinished upload was discarded; the photos it had stored stay."));
            Q_EMIT unfinishedDiscarded(jobId);
        });
}

void ExportWindow::shareLink(bool edit, int days)
{
    const QString folder = m_ui->folderCombo()->currentText().trimmed();
    if (!m_talker->hasSession() || folder.isEmpty())
        return;
    auto session             = m_talker->session();
    const rust::String path  = toRust(folder);
    const qint64 expires     = days > 0 ? QDateTime::currentSecsSinceEpoch() + qint64(days) * 86400 : 0;
    setBusy(true);
    m_ui->statusLabel()->setText(i18nc("@info:status export window", "Making a link to %1...", folder));
    runInBackground<ffi::ShareLink>(
        this, [session, path, edit, expires]() { return (*session)->shareLink(path, edit, expires, rust::Str()); },
        [this, folder](const Outcome<ffi::ShareLink>& outcome) {
            setBusy(false);
            if (!outcome.ok())
            {
                showError(i18nc("@info:status export window", "Cannot make a link:"), outcome);
                Q_EMIT linkFailed(outcome.error);
                return;
            }
            const ffi::ShareLink& link = *outcome.value;
            const QString url          = toQString(link.url);
            QApplication::clipboard()->setText(url);
            const QString shown = QStringLiteral("<a href=\"%1\">%1</a>").arg(url.toHtmlEscaped());
            QString text = link.edit ? i18nc("@info:status export window", "Edit link to %1 copied: %2", folder.toHtmlEscaped(), shown)
                                     : i18nc("@info:status export window", "View link to %1 copied: %2", folder.toHtmlEscaped(), shown);
            if (link.expires_unix_secs > 0)
                text += QLatin1Char(' ') + i18nc("@info export window", "(works until %1)", QLocale().toString(
                                               QDateTime::fromSecsSinceEpoch(link.expires_unix_secs), QLocale::ShortFormat));
            // The link's own settings are said above (edit or view, expiry);
            // the engine's list of what differs stays in its log.
            if (link.reused && !link.differs.empty())
            {
                const QString name = serviceInfo(m_service).name;
                text += QStringLiteral("<br>") +
                        (link.has_password
                             ? i18nc("@info:status export window", "%1 already had a link to this album, with other settings and a "
                                     "password; it is kept as it is.", name)
                             : i18nc("@info:status export window", "%1 already had a link to this album, with other settings; it is "
                                     "kept as it is.", name));
            }
            m_ui->statusLabel()->setText(text);
            Q_EMIT linkShared(url);
        });
}

} // namespace DkCloud
