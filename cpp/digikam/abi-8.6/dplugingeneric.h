// Our own declaration of Digikam::DPluginGeneric (libdigikamcore 8.6.0):
// DPlugin plus one private pointer (sizeof 32). The plugin interface id is
// the same in 7.9 and 8.x.
#pragma once

#include "dinfointerface.h"
#include "dplugin.h"

#include <QtPlugin>

class QWidget;

namespace Digikam
{

class DPluginGeneric : public DPlugin
{
    DKCLOUD_DIGIKAM_QOBJECT_MEMBERS

public:
    explicit DPluginGeneric(QObject* parent = nullptr);
    ~DPluginGeneric() override;

    void        setVisible(bool visible) override;
    int         count() const override;
    QStringList categories() const override;
    QString     ifaceIid() const override { return QLatin1String("org.kde.digikam.DPluginGeneric/1.1.0"); }

    QList<DPluginAction*> actions(QObject* parent) const;
    DPluginAction*        findActionByName(const QString& name, QObject* parent) const;

protected:
    void            addAction(DPluginAction* action);
    DInfoInterface* infoIface(QObject* action) const;
    bool            reactivateToolDialog(QWidget* dialog) const;

private:
    void* m_genericPrivate;
};

} // namespace Digikam

Q_DECLARE_INTERFACE(Digikam::DPluginGeneric, "org.kde.digikam.DPluginGeneric/1.1.0")
