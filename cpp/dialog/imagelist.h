// The list of photos to upload: thumbnail, file name, size, and the state of
// each upload (waiting, uploading N%, done, failed: reason).
//
// Filled at once for any selection: a row costs a file name and a stat.
// Thumbnails are asked for the rows in view only (and a few beyond), from
// Thumbnails (the host's loader, else worker threads), and arrive later;
// until then a row shows a placeholder. Nothing here decodes a photo.
#pragma once

#include <QHash>
#include <QList>
#include <QTreeWidget>
#include <QUrl>

namespace DkCloud
{

class Thumbnails;

class ImageList : public QTreeWidget
{
    Q_OBJECT

public:
    enum Column
    {
        ThumbnailColumn = 0,
        NameColumn,
        SizeColumn,
        StateColumn
    };

    explicit ImageList(QWidget* parent = nullptr);

    // Adds local files not already listed; returns how many were added.
    int addUrls(const QList<QUrl>& urls);
    void removeSelected();
    void removeAll();
    QList<QUrl> urls() const;
    // Whether the row shows its photo's thumbnail yet (not the placeholder).
    bool hasThumbnail(int row) const;
    // Where the thumbnails come from ("digikam", "reader"), for logs and tests.
    QString thumbnailOrigin() const;

    void setAllStates(const QString& state);
    void setState(int row, const QString& state, const QColor& color = QColor());

Q_SIGNALS:
    // The row of `path` shows the picture the loader gave, at `size` (an
    // empty size: the loader had none, the row shows a generic icon).
    void thumbnailShown(const QString& path, const QSize& size);

protected:
    void resizeEvent(QResizeEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void wantVisibleThumbnails();
    void scheduleThumbnails();
    void showThumbnail(const QString& path, const QPixmap& pixmap);
    void forget(QTreeWidgetItem* item);

    Thumbnails*                       m_thumbnails = nullptr;
    QHash<QString, QTreeWidgetItem*>  m_rows;
    bool                              m_scheduled = false;
};

} // namespace DkCloud
