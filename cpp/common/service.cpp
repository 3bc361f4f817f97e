#include "service.h"

#include <QUrl>

namespace DkCloud
{

const ServiceInfo& serviceInfo(ServiceId id)
{
    static const ServiceInfo oneDrive{
        ServiceId::OneDrive,
        QStringLiteral("OneDrive"),
        QStringLiteral("Export to &OneDrive..."),
        QStringLiteral("export_dkcloud_onedrive"),
        QKeySequence(QStringLiteral("Ctrl+Alt+Shift+O")),
        QStringLiteral("onedrive"),
        QStringLiteral("dkcloud OneDrive Settings"),
        QStringLiteral("org.kde.digikam.plugin.generic.OneDrive"),
        QStringLiteral("export_onedrive"),
        QStringLiteral("https://onedrive.live.com/"),
    };
    static const ServiceInfo dropbox{
        ServiceId::Dropbox,
        QStringLiteral("Dropbox"),
        QStringLiteral("Export to &Dropbox..."),
        QStringLiteral("export_dkcloud_dropbox"),
        QKeySequence(QStringLiteral("Ctrl+Alt+Shift+D")),
        QStringLiteral("dropbox"),
        QStringLiteral("dkcloud Dropbox Settings"),
        QStringLiteral("org.kde.digikam.plugin.generic.DropBox"),
        QStringLiteral("export_dropbox"),
        QStringLiteral("https://www.dropbox.com/home"),
    };
    return id == ServiceId::OneDrive ? oneDrive : dropbox;
}

QString folderWebUrl(ServiceId id, const QString& folder)
{
    const QString encoded = QString::fromLatin1(QUrl::toPercentEncoding(folder, "/"));
    if (id == ServiceId::Dropbox)
        return serviceInfo(id).webHome + encoded;
    // OneDrive's web app finds a folder by path through its "id" parameter.
    return QStringLiteral("https://onedrive.live.com/?id=root&path=") + encoded;
}

} // namespace DkCloud
