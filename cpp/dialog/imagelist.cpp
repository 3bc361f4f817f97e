#include "imagelist.h"

#include <QFileInfo>
#include <QHeaderView>
#include <QImageReader>
#include <QPixmap>

namespace DkCloud
{

namespace
{

constexpr int ThumbnailSize = 48;
constexpr int UrlRole       = Qt::UserRole + 1;

QIcon thumbnailFor(const QString& path)
{
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QSize full = reader.size();
    if (full.isValid())
        reader.setScaledSize(full.scaled(ThumbnailSize * 2, ThumbnailSize, Qt::KeepAspectRatio));
    const QImage image = reader.read();
    if (image.isNull())
        return QIcon::fromTheme(QStringLiteral("image-x-generic"));
    return QIcon(QPixmap::fromImage(image));
}

} // namespace

ImageList::ImageList(QWidget* parent)
    : QTreeWidget(parent)
{
    setObjectName(QStringLiteral("imageList"));
    setColumnCount(3);
    setHeaderLabels({tr("Thumbnail"), tr("File Name"), tr("State")});
    setIconSize(QSize(ThumbnailSize * 2, ThumbnailSize));
    setRootIsDecorated(false);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setAlternatingRowColors(true);
    header()->setSectionResizeMode(ThumbnailColumn, QHeaderView::ResizeToContents);
    // The file name as wide as it needs, the state in the rest (its tooltip
    // holds the whole text when the window is narrow).
    header()->setSectionResizeMode(NameColumn, QHeaderView::ResizeToContents);
    header()->setSectionResizeMode(StateColumn, QHeaderView::Stretch);
    header()->setStretchLastSection(true);
}

int ImageList::addUrls(const QList<QUrl>& urls)
{
    const QList<QUrl> present = this->urls();
    int added                 = 0;
    for (const QUrl& url : urls)
    {
        if (!url.isLocalFile() || present.contains(url))
            continue;
        auto* item = new QTreeWidgetItem(this);
        item->setData(NameColumn, UrlRole, url);
        item->setIcon(ThumbnailColumn, thumbnailFor(url.toLocalFile()));
        item->setText(NameColumn, QFileInfo(url.toLocalFile()).fileName());
        item->setToolTip(NameColumn, url.toLocalFile());
        item->setSizeHint(ThumbnailColumn, QSize(ThumbnailSize * 2, ThumbnailSize + 4));
        ++added;
    }
    return added;
}

void ImageList::removeSelected()
{
    qDeleteAll(selectedItems());
}

QList<QUrl> ImageList::urls() const
{
    QList<QUrl> result;
    for (int row = 0; row < topLevelItemCount(); ++row)
        result << topLevelItem(row)->data(NameColumn, UrlRole).toUrl();
    return result;
}

void ImageList::setAllStates(const QString& state)
{
    for (int row = 0; row < topLevelItemCount(); ++row)
        setState(row, state);
}

void ImageList::setState(int row, const QString& state, const QColor& color)
{
    QTreeWidgetItem* item = topLevelItem(row);
    if (!item)
        return;
    item->setText(StateColumn, state);
    item->setToolTip(StateColumn, state);
    item->setForeground(StateColumn, color.isValid() ? QBrush(color) : QBrush());
}

} // namespace DkCloud
