#include "bqmplugin.h"

#include "service.h"
#include "uploadtool.h"

#include <KLocalizedString>

#include <QPointer>
#include <QTimer>

namespace DkCloud
{

DkCloudBqmPlugin::DkCloudBqmPlugin(QObject* parent)
    : Digikam::DPluginBqm(parent)
{
}

DkCloudBqmPlugin::~DkCloudBqmPlugin() = default;

QString DkCloudBqmPlugin::name() const
{
    return i18nc("@info batch queue plugin", "Upload to OneDrive and Dropbox (dkcloud)");
}

QString DkCloudBqmPlugin::iid() const
{
    return QStringLiteral("org.kde.digikam.plugin.bqm.DkCloud");
}

QIcon DkCloudBqmPlugin::icon() const
{
    return pluginIcon();
}

QString DkCloudBqmPlugin::description() const
{
    return i18nc("@info batch queue plugin", "Batch Queue Manager tools that upload photos to OneDrive and Dropbox (dkcloud %1)", dkcloudVersion());
}

QString DkCloudBqmPlugin::details() const
{
    return i18nc("@info batch queue plugin", "<p><b>dkcloud %1</b></p>"
        "<p>Two tools for the Batch Queue Manager, in its Custom group: <i>Upload to OneDrive</i> and "
        "<i>Upload to Dropbox</i>. Each uploads the photo as the tools before it in the queue left it, "
        "into the chosen folder (a subfolder per album if you like), and says per photo what happened: "
        "uploaded, already there, replaced, kept both, skipped or failed.</p>", dkcloudVersion());
}

QList<Digikam::DPluginAuthor> DkCloudBqmPlugin::authors() const
{
    return {Digikam::DPluginAuthor(QStringLiteral("The dkcloud authors"), QString(), QStringLiteral("2025"),
                                   i18nc("@info batch queue plugin", "Developers"))};
}

void DkCloudBqmPlugin::setup(QObject* parent)
{
    for (ServiceId service : {ServiceId::OneDrive, ServiceId::Dropbox})
    {
        auto* tool = new UploadTool(service, parent);
        tool->attachTo(this);
        addTool(tool);
        const QString name = serviceInfo(service).name;
        connect(
            tool, &UploadTool::itemFinished, this,
            [this, name](const QString& path, const QString& outcome, const QString& text, const QString& remote) {
                Q_EMIT itemFinished(name, path, outcome, text, remote);
            },
            Qt::DirectConnection);
    }
    // Said from the event loop, like the generic plugin's actionsPlaced.
    QPointer<QObject> host = parent;
    QTimer::singleShot(0, this, [this, host]() {
        if (host)
            Q_EMIT toolsAdded(host);
    });
}

} // namespace DkCloud
