// The Batch Queue Manager plugin: metadata and two tools, "Upload to
// OneDrive" and "Upload to Dropbox". A module of its own
// (Bqm_DkCloud_Plugin.so in digiKam's bqm folder): BQM loads only DPluginBqm
// plugins from there.
#pragma once

#include "digikam_bqm_api.h"

namespace DkCloud
{

class DkCloudBqmPlugin : public Digikam::DPluginBqm
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID "org.kde.digikam.plugin.bqm.DkCloud")
    Q_INTERFACES(Digikam::DPluginBqm)

public:
    explicit DkCloudBqmPlugin(QObject* parent = nullptr);
    ~DkCloudBqmPlugin() override;

    QString                       name() const override;
    QString                       iid() const override;
    QIcon                         icon() const override;
    QString                       description() const override;
    QString                       details() const override;
    QList<Digikam::DPluginAuthor> authors() const override;
    void                          setup(QObject* parent) override;

Q_SIGNALS:
    // setup() registered the tools for `parent` (BQM's tool factory).
    void toolsAdded(QObject* parent);
    // A queue item's upload ended (from BQM's worker thread): outcome is
    // uploaded, already-there, replaced, kept-both, skipped, failed or cancelled.
    void itemFinished(const QString& service, const QString& localPath, const QString& outcome, const QString& text,
                      const QString& remotePath);
};

} // namespace DkCloud
