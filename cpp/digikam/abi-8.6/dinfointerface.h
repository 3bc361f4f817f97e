// Our own declaration of Digikam::DInfoInterface, the host's view of its
// items and albums, in libdigikamcore 8.6.0's virtual-table order:
// 8.6 adds currentActiveItem() at slot 16, moving the rest down by one;
// setItemInfo() is no longer const, and the destructor is inline (8.6 exports
// none)
// (verified by tests/cpp/vtable_check). Only ever used through a pointer the
// host hands out; never constructed by the plugin.
#pragma once

#include "../abi-7.9/dkcloud_qobject_decl.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QObject>
#include <QString>
#include <QUrl>
#include <QVariant>

class QAbstractItemModel;
class QWidget;

namespace Digikam
{

class GPSItemContainer;

class DInfoInterface : public QObject
{
    DKCLOUD_DIGIKAM_QOBJECT_MEMBERS

public:
    using DInfoMap  = QMap<QString, QVariant>;
    using DAlbumIDs = QList<int>;

    enum SetupPage
    {
        ExifToolPage = 0,
        ImageQualityPage
    };

    explicit DInfoInterface(QObject* parent);
    ~DInfoInterface() override = default;

    // slots 12-13
    virtual void slotDateTimeForUrl(const QUrl& url, const QDateTime& dateTime, bool updateModificationDate);
    virtual void slotMetadataChangedForUrl(const QUrl& url);

    // slots 14-20: lists of items (16 is new in 8.x)
    virtual QList<QUrl> currentSelectedItems() const;
    virtual QList<QUrl> currentAlbumItems() const;
    virtual QUrl        currentActiveItem() const;
    virtual void        parseAlbumItemsRecursive();
    virtual QList<QUrl> albumItems(int albumId) const;
    virtual QList<QUrl> albumsItems(const DAlbumIDs& albumIds) const;
    virtual QList<QUrl> allAlbumItems() const;

    // slots 21-24: properties
    virtual DInfoMap albumInfo(int albumId) const;
    virtual void     setAlbumInfo(int albumId, const DInfoMap& info) const;
    virtual DInfoMap itemInfo(const QUrl& url) const;
    virtual void     setItemInfo(const QUrl& url, const DInfoMap& info);

    // slots 25-30: album chooser and upload target widgets
    virtual QWidget*  albumChooser(QWidget* parent) const;
    virtual DAlbumIDs albumChooserItems() const;
    virtual bool      supportAlbums() const;
    virtual QWidget*  uploadWidget(QWidget* parent) const;
    virtual QUrl      uploadUrl() const;
    virtual QUrl      defaultUploadUrl() const;

    // slots 31-35
    virtual QAbstractItemModel*      tagFilterModel();
    virtual QList<GPSItemContainer*> currentGPSItems() const;
    virtual void                     passShortcutActionsToWidget(QWidget* widget) const;
    virtual void                     deleteImage(const QUrl& url);
    virtual void                     openSetupPage(SetupPage page);
};

} // namespace Digikam
