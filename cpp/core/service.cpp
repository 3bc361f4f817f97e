#include "service.h"

#include <KLocalizedString>

#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace DkCloud
{

const ServiceInfo& serviceInfo(ServiceId id)
{
    static const ServiceInfo oneDrive{
        ServiceId::OneDrive,
        QStringLiteral("OneDrive"),
        QStringLiteral("export_dkcloud_onedrive"),
        QKeySequence(QStringLiteral("Ctrl+Alt+Shift+O")),
        QStringLiteral("dk-onedrive"),
        QStringLiteral("dkcloud OneDrive Settings"),
        QStringLiteral("org.kde.digikam.plugin.generic.OneDrive"),
        QStringLiteral("export_onedrive"),
    };
    static const ServiceInfo dropbox{
        ServiceId::Dropbox,
        QStringLiteral("Dropbox"),
        QStringLiteral("export_dkcloud_dropbox"),
        QKeySequence(QStringLiteral("Ctrl+Alt+Shift+D")),
        QStringLiteral("dk-dropbox"),
        QStringLiteral("dkcloud Dropbox Settings"),
        QStringLiteral("org.kde.digikam.plugin.generic.DropBox"),
        QStringLiteral("export_dropbox"),
    };
    return id == ServiceId::OneDrive ? oneDrive : dropbox;
}

QString exportActionText(ServiceId id)
{
    return id == ServiceId::OneDrive ? i18nc("@action:inmenu Export menu", "Export to &OneDrive...")
                                     : i18nc("@action:inmenu Export menu", "Export to &Dropbox...");
}

namespace
{

QIcon drawnCloud(const QColor& colour)
{
    QIcon icon;
    for (int size : {16, 22, 32, 48, 64})
    {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        const qreal u = size / 16.0;
        QPainterPath cloud;
        cloud.addEllipse(QRectF(1 * u, 6 * u, 6 * u, 6 * u));
        cloud.addEllipse(QRectF(4 * u, 3 * u, 8 * u, 8 * u));
        cloud.addEllipse(QRectF(9 * u, 6 * u, 6 * u, 6 * u));
        cloud.addRect(QRectF(4 * u, 9 * u, 8 * u, 3 * u));
        painter.fillPath(cloud.simplified(), colour);
        // An arrow up: the upload.
        painter.setPen(QPen(Qt::white, qMax(1.0, 1.5 * u), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        painter.drawLine(QPointF(8 * u, 10.5 * u), QPointF(8 * u, 5.5 * u));
        painter.drawLine(QPointF(6 * u, 7.5 * u), QPointF(8 * u, 5.5 * u));
        painter.drawLine(QPointF(10 * u, 7.5 * u), QPointF(8 * u, 5.5 * u));
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

} // namespace

QIcon serviceIcon(ServiceId id)
{
    const QColor colour = id == ServiceId::OneDrive ? QColor(0x03, 0x64, 0xb8) : QColor(0x00, 0x61, 0xfe);
    return QIcon::fromTheme(serviceInfo(id).iconName, drawnCloud(colour));
}

QIcon pluginIcon()
{
    return QIcon::fromTheme(QStringLiteral("folder-cloud"), drawnCloud(QColor(0x2a, 0x7a, 0xc8)));
}

QString dkcloudVersion()
{
    return QStringLiteral(DKCLOUD_VERSION);
}

} // namespace DkCloud
