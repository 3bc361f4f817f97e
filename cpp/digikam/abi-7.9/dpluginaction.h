// Our own declaration of Digikam::DPluginAction (a QAction tagged with where
// digiKam shows it), matching libdigikamcore 7.9.0. No data members of its own.
#pragma once

#include "dkcloud_qobject_decl.h"

#include <QAction>

namespace Digikam
{

class DPluginAction : public QAction
{
    DKCLOUD_DIGIKAM_QOBJECT_MEMBERS

public:
    enum ActionCategory
    {
        InvalidCat    = -1,
        GenericExport = 0,
        GenericImport,
        GenericTool,
        GenericMetadata,
        GenericView,
        EditorFile,
        EditorColor,
        EditorEnhance,
        EditorTransform,
        EditorDecorate,
        EditorFilters
    };

    explicit DPluginAction(QObject* parent = nullptr);
    ~DPluginAction() override;

    void setActionCategory(ActionCategory category);
};

} // namespace Digikam
