#include "imagelist.h"

#include "thumbnails.h"
#include "wording.h"

#include <KLocalizedString>

#include <QFileInfo>
#include <QHeaderView>
#include <QPainter>
#include <QScrollBar>
#include <QStyledItemDelegate>
#include <QTimer>

namespace DkCloud
{

namespace
{

constexpr int ThumbnailSize = 48;
// Rows below the view whose thumbnails are asked for too, so that a short
// scroll finds them ready.
constexpr int RowsAhead     = 8;
constexpr int UrlRole       = Qt::UserRole + 1;
constexpr int ThumbnailRole = Qt::UserRole + 2;

QSize iconBox()
{
    return {ThumbnailSize * 2, ThumbnailSize};
}

// Drawn, not taken from the icon theme: it is there with any theme, or none.
const QIcon& placeholder()
{
    static const QIcon icon = []() {
        QPixmap pixmap(ThumbnailSize * 3 / 2, ThumbnailSize);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setPen(QColor(0, 0, 0, 60));
        painter.setBrush(QColor(128, 128, 128, 40));
        painter.drawRect(pixmap.rect().adjusted(0, 0, -1, -1));
        return QIcon(pixmap);
    }();
    return icon;
}

// The thumbnail cell holds no text, so the current row's focus frame would be
// drawn there as an empty box beside the picture; the row's other cells show it.
class ThumbnailDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QStyleOptionViewItem plain(option);
        plain.state &= ~QStyle::State_HasFocus;
        QStyledItemDelegate::paint(painter, plain, index);
    }
};

} // namespace

ImageList::ImageList(QWidget* parent)
    : QTreeWidget(parent)
{
    setObjectName(QStringLiteral("imageList"));
    setColumnCount(4);
    setHeaderLabels({i18nc("@info export window photo list", "Thumbnail"), i18nc("@info export window photo list", "File Name"), i18nc("@info export window photo list", "Size"), i18nc("@info export window photo list", "State")});
    setIconSize(iconBox());
    setRootIsDecorated(false);
    setUniformRowHeights(true);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setAlternatingRowColors(true);
    setItemDelegateForColumn(ThumbnailColumn, new ThumbnailDelegate(this));
    // Fixed and sized once after adding, not to contents: a column sized to
    // its contents is measured again on every change of any row, which a
    // thousand rows with a state each per upload event cannot afford.
    header()->setSectionResizeMode(ThumbnailColumn, QHeaderView::Fixed);
    // Wide enough for the thumbnails and for the column's title in the user's language.
    header()->resizeSection(ThumbnailColumn, qMax(ThumbnailSize * 2 + 12, header()->sectionSizeHint(ThumbnailColumn)));
    header()->setSectionResizeMode(NameColumn, QHeaderView::Interactive);
    header()->setSectionResizeMode(SizeColumn, QHeaderView::Interactive);
    // The state in the rest (its tooltip holds the whole text when the
    // window is narrow).
    header()->setSectionResizeMode(StateColumn, QHeaderView::Stretch);
    header()->setStretchLastSection(true);

    m_thumbnails = Thumbnails::create(iconBox(), this);
    connect(m_thumbnails, &Thumbnails::loaded, this, &ImageList::showThumbnail);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, &ImageList::scheduleThumbnails);
}

int ImageList::addUrls(const QList<QUrl>& urls)
{
    int added = 0;
    QList<QTreeWidgetItem*> items;
    for (const QUrl& url : urls)
    {
        const QString path = url.toLocalFile();
        if (!url.isLocalFile() || m_rows.contains(path))
            continue;
        const QFileInfo file(path);
        auto* item = new QTreeWidgetItem;
        item->setData(NameColumn, UrlRole, url);
        item->setIcon(ThumbnailColumn, placeholder());
        item->setText(NameColumn, file.fileName());
        item->setToolTip(NameColumn, path);
        item->setText(SizeColumn, humanBytes(double(file.size())));
        item->setTextAlignment(SizeColumn, Qt::AlignRight | Qt::AlignVCenter);
        item->setSizeHint(ThumbnailColumn, QSize(ThumbnailSize * 2, ThumbnailSize + 4));
        m_rows.insert(path, item);
        items << item;
        ++added;
    }
    if (added == 0)
        return 0;
    addTopLevelItems(items);
    // Measured once per addition (Qt looks at the rows in view and at most
    // 1,000 others), then left alone.
    resizeColumnToContents(NameColumn);
    resizeColumnToContents(SizeColumn);
    scheduleThumbnails();
    return added;
}

void ImageList::removeSelected()
{
    const QList<QTreeWidgetItem*> selected = selectedItems();
    for (QTreeWidgetItem* item : selected)
        forget(item);
    qDeleteAll(selected);
    scheduleThumbnails();
}

void ImageList::removeAll()
{
    m_rows.clear();
    QTreeWidget::clear();
}

void ImageList::forget(QTreeWidgetItem* item)
{
    m_rows.remove(item->data(NameColumn, UrlRole).toUrl().toLocalFile());
}

QList<QUrl> ImageList::urls() const
{
    QList<QUrl> result;
    result.reserve(topLevelItemCount());
    for (int row = 0; row < topLevelItemCount(); ++row)
        result << topLevelItem(row)->data(NameColumn, UrlRole).toUrl();
    return result;
}

bool ImageList::hasThumbnail(int row) const
{
    const QTreeWidgetItem* item = topLevelItem(row);
    return item && item->data(ThumbnailColumn, ThumbnailRole).toBool();
}

QString ImageList::thumbnailOrigin() const
{
    return m_thumbnails->origin();
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

void ImageList::resizeEvent(QResizeEvent* event)
{
    QTreeWidget::resizeEvent(event);
    scheduleThumbnails();
}

void ImageList::showEvent(QShowEvent* event)
{
    QTreeWidget::showEvent(event);
    scheduleThumbnails();
}

// Once per turn of the event loop, however many scroll steps came.
void ImageList::scheduleThumbnails()
{
    if (m_scheduled)
        return;
    m_scheduled = true;
    QTimer::singleShot(0, this, [this]() {
        m_scheduled = false;
        wantVisibleThumbnails();
    });
}

void ImageList::wantVisibleThumbnails()
{
    const int count = topLevelItemCount();
    if (count == 0)
        return;
    const QModelIndex top = indexAt(QPoint(1, 1));
    const QModelIndex bottom = indexAt(QPoint(1, viewport()->height() - 2));
    const int first = top.isValid() ? top.row() : 0;
    const int last  = qMin(count - 1, (bottom.isValid() ? bottom.row() : first + 20) + RowsAhead);
    QStringList wanted;
    for (int row = first; row <= last; ++row)
    {
        const QTreeWidgetItem* item = topLevelItem(row);
        if (!item->data(ThumbnailColumn, ThumbnailRole).toBool())
            wanted << item->data(NameColumn, UrlRole).toUrl().toLocalFile();
    }
    m_thumbnails->want(wanted);
}

void ImageList::showThumbnail(const QString& path, const QPixmap& pixmap)
{
    QTreeWidgetItem* item = m_rows.value(path);
    if (!item)
        return;
    QSize shown;
    if (pixmap.isNull())
    {
        item->setIcon(ThumbnailColumn, QIcon::fromTheme(QStringLiteral("image-x-generic"), placeholder()));
    }
    else
    {
        const QSize box = iconBox();
        const bool fits = pixmap.width() <= box.width() && pixmap.height() <= box.height();
        const QPixmap fitted = fits ? pixmap : pixmap.scaled(box, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        item->setIcon(ThumbnailColumn, QIcon(fitted));
        shown = fitted.size();
    }
    item->setData(ThumbnailColumn, ThumbnailRole, true);
    Q_EMIT thumbnailShown(path, shown);
}

} // namespace DkCloud
