// Our own declaration of Digikam::DPlugin as libdigikamcore 7.9.0 lays it out:
// QObject, then one private pointer (sizeof 24), and 27 virtual slots counted
// from metaObject() = 0. tests/cpp/vtable_check compares every slot with the
// installed library.
#pragma once

#include "dkcloud_qobject_decl.h"
#include "dpluginaction.h"
#include "dpluginauthor.h"

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
    // slot 13
    virtual bool hasVisibilityProperty() const;
    // slots 14-16, filled in by DPluginGeneric
    virtual void        setVisible(bool visible) = 0;
    virtual int         count() const = 0;
    virtual QStringList categories() const = 0;
    // slots 17-19, what every plugin provides
    virtual void    setup(QObject* parent) = 0;
    virtual QString name() const = 0;
    virtual QString iid() const = 0;
    // slot 20, filled in by DPluginGeneric
    virtual QString ifaceIid() const = 0;
    // slots 21-24
    virtual QString              description() const = 0;
    virtual QIcon                icon() const;
    virtual QList<DPluginAuthor> authors() const = 0;
    virtual QString              details() const = 0;
    // slots 25-26: an extra tab in the plugin's about dialog
    virtual QMap<QString, QStringList> extraAboutData() const { return {}; }
    virtual QString                    extraAboutDataTitle() const { return {}; }

private:
    void* m_private;
};

} // namespace Digikam
