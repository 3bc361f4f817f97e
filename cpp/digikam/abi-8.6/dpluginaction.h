// Our own declaration of Digikam::DPluginAction (a QAction tagged with where
// digiKam shows it), matching libdigikamcore 8.6.0. No data members of its own;
// unlike 7.9, 8.6 exports no destructor (it is inline).
#pragma once

#include "../abi-7.9/dkcloud_qobject_decl.h"

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
    ~DPluginAction() override = default;

    void setActionCategory(ActionCategory category);
};

} // namespace Digikam
