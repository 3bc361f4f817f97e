// digiKam's progress area (the status bar's "No active process" and its
// list): our own declaration of the few functions of Digikam::ProgressItem and
// Digikam::ProgressManager we call, all exported non-virtual functions of
// libdigikamcore (the same in 7.9, 8.6 and 9.1; tests/cpp checks the symbols).
// Items are only made by the manager and only reached through its pointers.
#pragma once

#if defined(DKCLOUD_DIGIKAM_SYSTEM_HEADERS)
#   include <progressmanager.h>
#else

#include "abi-7.9/dkcloud_qobject_decl.h"

#include <QObject>
#include <QString>

namespace Digikam
{

class ProgressItem : public QObject
{
    DKCLOUD_DIGIKAM_QOBJECT_MEMBERS

public:
    ProgressItem(const ProgressItem&)            = delete;
    ProgressItem& operator=(const ProgressItem&) = delete;

    // Returns a reference into the item (libdigikamcore returns its own member).
    const QString& label() const;
    void setLabel(const QString& label);
    void setStatus(const QString& status);
    // Percent, 0 to 100.
    void setProgress(unsigned int percent);
    // Pops the progress list open when the item is added.
    void setShowAtStart(bool show);
    // The item goes away (the manager deletes it): the only way to end one.
    void setComplete();

private:
    ProgressItem();
    ~ProgressItem() override;
};

class ProgressManager : public QObject
{
    DKCLOUD_DIGIKAM_QOBJECT_MEMBERS

public:
    static ProgressManager* instance();
    // An item with its own id (see getUniqueID), without a parent.
    static ProgressItem* createProgressItem(const QString& id, const QString& label, const QString& status,
                                            bool canBeCanceled, bool hasThumb);
    QString getUniqueID();

private:
    ProgressManager();
    ~ProgressManager() override;
};

} // namespace Digikam

#endif
