// The list of photos to upload: thumbnail, file name, and the state of each
// upload (waiting, uploading N%, done, failed: reason).
#pragma once

#include <QList>
#include <QTreeWidget>
#include <QUrl>

namespace DkCloud
{

class ImageList : public QTreeWidget
{
    Q_OBJECT

public:
    enum Column
    {
        ThumbnailColumn = 0,
        NameColumn,
        StateColumn
    };

    explicit ImageList(QWidget* parent = nullptr);

    // Adds local files not already listed; returns how many were added.
    int addUrls(const QList<QUrl>& urls);
    void removeSelected();
    QList<QUrl> urls() const;

    void setAllStates(const QString& state);
    void setState(int row, const QString& state, const QColor& color = QColor());
};

} // namespace DkCloud
