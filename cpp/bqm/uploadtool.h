// A Batch Queue Manager tool: "Upload to OneDrive" or "Upload to Dropbox".
// Listed in BQM's "Custom" group (BatchTool::CustomTool): there is no export
// group, and BQM saves the earlier tools' work to a file before a custom
// tool runs, so the tool uploads the item as the queue made it.
#pragma once

#include "digikam_bqm_api.h"
#include "bqmsettings.h"
#include "itemupload.h"
#include "uploadsettingswidget.h"

#include <QPointer>

namespace DkCloud
{


class UploadTool : public Digikam::BatchTool
{
    Q_OBJECT

public:
    UploadTool(ServiceId service, QObject* parent = nullptr);
    ~UploadTool() override;

    ServiceId service() const { return m_service; }
    // The name BQM keeps in queues and workflows: DkCloudUploadOneDrive, DkCloudUploadDropbox.
    static QString toolName(ServiceId service);
    // Registers the tool with its plugin, keeping its own title, description and icon.
    void attachTo(Digikam::DPluginBqm* plugin);

    Digikam::BatchToolSettings defaultSettings() override;
    Digikam::BatchTool*        clone(QObject* parent = nullptr) const override;
    void                       registerSettingsWidget() override;

    UploadSettingsWidget* uploadSettingsWidget() const { return m_widget; }

Q_SIGNALS:
    // One item's end, from the BQM worker thread: outcome is uploaded,
    // already-there, replaced, kept-both, skipped, failed or cancelled.
    void itemFinished(const QString& localPath, const QString& outcome, const QString& text, const QString& remotePath);

protected:
    bool toolOperations() override;
    void slotSettingsChanged() override;
    void slotAssignSettings2Widget() override;

private:
    void nameTool();
    // Hands the next tool (or BQM's target album) the file it was given.
    bool passOn(const QString& input);

    ServiceId                       m_service;
    QPointer<UploadSettingsWidget>  m_widget;
};

} // namespace DkCloud
