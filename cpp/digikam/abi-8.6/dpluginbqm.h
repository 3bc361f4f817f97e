// Our own declaration of Digikam::DPluginBqm (libdigikamgui 8.6.0), a plugin
// of the Batch Queue Manager: DPlugin plus one private pointer (sizeof 32).
// It fills in DPlugin's slots 16-19 and 23 (the interface id, exported in 8.6).
#pragma once

#include "batchtool.h"
#include "dinfointerface.h"
#include "dplugin.h"

#include <QtPlugin>

namespace Digikam
{

class DPluginBqm : public DPlugin
{
    DKCLOUD_DIGIKAM_QOBJECT_MEMBERS

public:
    explicit DPluginBqm(QObject* parent = nullptr);
    ~DPluginBqm() override;

    bool        hasVisibilityProperty() const override;
    void        setVisible(bool visible) override;
    int         count() const override;
    QStringList categories() const override;
    QString     ifaceIid() const override;

    // The tools setup() registered for `parent` (BQM's tool factory).
    QList<BatchTool*> tools(QObject* parent) const;
    BatchTool*        findToolByName(const QString& name, QObject* parent) const;
    DInfoInterface*   infoIface() const;

protected:
    void addTool(BatchTool* tool);

private:
    void* m_bqmPrivate;
};

} // namespace Digikam

Q_DECLARE_INTERFACE(Digikam::DPluginBqm, "org.kde.digikam.DPluginBqm/1.1.0")
