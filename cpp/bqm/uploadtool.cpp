#include "uploadtool.h"

#include "uploadsettingswidget.h"

#include <KLocalizedString>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(DKCLOUD_BQM_LOG, "dkcloud.bqm", QtInfoMsg)

namespace DkCloud
{

UploadTool::UploadTool(ServiceId service, QObject* parent)
    : Digikam::BatchTool(toolName(service), CustomTool, parent)
    , m_service(service)
{
    nameTool();
}

void UploadTool::nameTool()
{
    const ServiceInfo& info = serviceInfo(m_service);
    setToolTitle(i18nc("@title batch queue tool", "Upload to %1", info.name));
    setToolDescription(i18nc("@info batch queue tool", "Uploads each photo, as the tools before this one left it, to a folder on %1 (dkcloud).", info.name));
    setToolIcon(serviceIcon(m_service));
}

void UploadTool::attachTo(Digikam::DPluginBqm* plugin)
{
    // setPlugin() gives the tool the plugin's name, description and icon
    // (digiKam's plugins have one tool each); ours has two.
    setPlugin(plugin);
    nameTool();
}

UploadTool::~UploadTool() = default;

QString UploadTool::toolName(ServiceId service)
{
    return QStringLiteral("DkCloudUpload") + serviceInfo(service).name;
}

Digikam::BatchToolSettings UploadTool::defaultSettings()
{
    return BqmSettings::loadDefaults(m_service).toMap();
}

Digikam::BatchTool* UploadTool::clone(QObject* parent) const
{
    auto* copy = new UploadTool(m_service, parent);
    // BQM's worker runs a clone: its items are told through the registered
    // tool too (and from there through the plugin).
    connect(copy, &UploadTool::itemFinished, const_cast<UploadTool*>(this), &UploadTool::itemFinished, Qt::DirectConnection);
    return copy;
}

void UploadTool::registerSettingsWidget()
{
    m_widget         = new UploadSettingsWidget(m_service);
    m_settingsWidget = m_widget;
    connect(m_widget, &UploadSettingsWidget::settingsChanged, this, &UploadTool::slotSettingsChanged);
    Digikam::BatchTool::registerSettingsWidget();
}

void UploadTool::slotAssignSettings2Widget()
{
    if (m_widget)
        m_widget->setSettings(BqmSettings::fromMap(settings()));
}

void UploadTool::slotSettingsChanged()
{
    if (!m_widget)
        return;
    const BqmSettings chosen = m_widget->settings();
    chosen.saveAsDefaults(m_service);
    Digikam::BatchTool::slotSettingsChanged(chosen.toMap());
}

bool UploadTool::toolOperations()
{
    const QString     input = inputUrl().toLocalFile();
    const BqmSettings s     = BqmSettings::fromMap(settings());
    if (QFileInfo(input).size() == 0)
    {
        // An upload tool before this one kept no file (BQM marks a custom tool
        // after it as "last"): nothing to upload, and an empty file is never sent.
        setErrorDescription(i18nc("@info batch queue tool", "%1: nothing to upload: the tool before this one in the queue handed over no file "
        "(an upload tool with \"keep the processed file\" off must be the queue's last tool)", serviceInfo(m_service).name));
        Q_EMIT itemFinished(input, QStringLiteral("failed"), errorDescription(), QString());
        return false;
    }

    // The item's own file (not the queue's temporary one) names the photo and its album.
    const Digikam::ItemInfo info = imageInfo();
    const QString original       = info.isNull() ? input : info.fileUrl().toLocalFile();

    ItemUploadRequest request;
    request.service    = m_service;
    request.account    = s.account;
    request.folder     = s.folder;
    request.pattern    = s.pattern;
    request.album      = QFileInfo(original).dir().dirName();
    request.conflict   = s.conflict;
    request.localPath  = input;
    request.remoteName = remoteNameFor(original, input);

    const ItemUploadResult result = uploadItem(request, [this]() { return isCancelled(); });
    qCInfo(DKCLOUD_BQM_LOG).noquote() << serviceInfo(m_service).name << original << "->" << targetFolder(request)
                                      << result.outcome << result.text;
    Q_EMIT itemFinished(input, result.outcome, result.text, result.remotePath);
    // BQM shows this for a failed item; set for the others too, for whoever asks.
    setErrorDescription(i18nc("@info batch queue tool", "%1: %2", serviceInfo(m_service).name, result.text));
    if (!result.ok)
        return false;
    return passOn(input);
}

bool UploadTool::passOn(const QString& input)
{
    // BQM made the output file (empty). Left empty on the last tool, BQM
    // writes nothing to the target album ("keep the processed file" off), and
    // then lists the item as failed ("Failed to create file..."): the item
    // fails here first, so that BQM's history says what really happened.
    const QString output = outputUrl().toLocalFile();
    if (output.isEmpty())
        return true;
    if (!BqmSettings::fromMap(settings()).keepOutput && isLastChainedTool())
    {
        setErrorDescription(i18nc("@info batch queue tool", "%1 (no file kept in the queue's target album, as set in the tool)", errorDescription()));
        return false;
    }
    QFile::remove(output);
    if (QFile::copy(input, output))
        return true;
    setErrorDescription(i18nc("@info batch queue tool", "Uploaded, but the processed file could not be written to %1", output));
    return false;
}

} // namespace DkCloud
