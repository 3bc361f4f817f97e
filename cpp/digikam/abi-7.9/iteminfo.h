// Our own declaration of the part of Digikam::ItemInfo (libdigikamdatabase)
// that a batch tool reads: the queue item's original file. One pointer to
// shared data; copying and destroying go through the library. The same in
// 7.9 and 8.6.
#pragma once

#include <QString>
#include <QUrl>

namespace Digikam
{

class ItemInfo
{
public:
    ItemInfo(const ItemInfo& other);
    ~ItemInfo();
    ItemInfo& operator=(const ItemInfo& other) = delete;

    bool    isNull() const;
    QString name() const;
    QUrl    fileUrl() const;

private:
    void* m_data;
};

} // namespace Digikam
