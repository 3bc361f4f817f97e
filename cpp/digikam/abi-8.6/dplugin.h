// Our own declaration of Digikam::DPlugin as libdigikamcore 8.6.0 lays it out:
// QObject, then one private pointer (sizeof 24), and 31 virtual slots counted
// from metaObject() = 0. Compared with 7.9, three handbook*() functions come
// before hasVisibilityProperty() and a third about-data function sits between
// the other two. tests/cpp/vtable_check compares every slot with the library.
#pragma once

#include "../abi-7.9/dkcloud_qobject_decl.h"
#include "dpluginaction.h"
#include "../abi-7.9/dpluginauthor.h"

#include <QIcon>
#include <QList>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>

namespace Digikam
{

class DPlugin : public QObject
{
    DKCLOUD_DIGIKAM_QOBJECT_MEMBERS

public:
    explicit DPlugin(QObject* parent = nullptr);
    ~DPlugin() override;

    // Implemented in the library; the loader compares it with its own version.
    QString version() const;

    // slot 12
    virtual void cleanUp() {}
    // slots 13-15: where the plugin's Help button leads in the online handbook
    virtual QString handbookSection() const;
    virtual QString handbookChapter() const;
    virtual QString handbookReference() const;
    // slot 16
    virtual bool hasVisibilityProperty() const;
    // slots 17-19, filled in by DPluginGeneric
    virtual void        setVisible(bool visible) = 0;
    virtual int         count() const = 0;
    virtual QStringList categories() const = 0;
    // slots 20-22, what every plugin provides
    virtual void    setup(QObject* parent) = 0;
    virtual QString name() const = 0;
    virtual QString iid() const = 0;
    // slot 23, filled in by DPluginGeneric
    virtual QString ifaceIid() const = 0;
    // slots 24-27
    virtual QString              description() const = 0;
    virtual QIcon                icon() const;
    virtual QList<DPluginAuthor> authors() const = 0;
    virtual QString              details() const = 0;
    // slots 28-30: an extra tab in the plugin's about dialog
    virtual QMap<QString, QStringList> extraAboutData() const { return {}; }
    virtual QStringList                extraAboutDataRowTitles() const { return {}; }
    virtual QString                    extraAboutDataTitle() const { return {}; }

private:
    void* m_private;
};

} // namespace Digikam
