// Never run: compiled only so that the compiler lays out a virtual table for
// each of our declared digiKam classes. vtable_check.py reads these tables
// from the object file and compares them, slot by slot, with the ones in the
// installed libdigikamcore.
#include "digikam_api.h"
#include "digikam_bqm_api.h"

namespace dkcloud_probe
{

// Object sizes read from libdigikamcore 7.9.0's constructors: a plugin's own
// members start right after these.
#if DKCLOUD_DIGIKAM_ABI == 709
static_assert(sizeof(Digikam::DPlugin) == 24, "DPlugin: QObject + one private pointer");
static_assert(sizeof(Digikam::DPluginGeneric) == 32, "DPluginGeneric: DPlugin + one private pointer");
static_assert(sizeof(Digikam::DPluginAction) == sizeof(QAction), "DPluginAction adds no members");
static_assert(sizeof(Digikam::DPluginAuthor) == 4 * sizeof(QString), "DPluginAuthor: four strings");
#endif
// The same in 7.9, 8.6 and 9.1 (libdigikamgui's constructors; ItemInfo: one pointer).
#if DKCLOUD_DIGIKAM_ABI == 709 || DKCLOUD_DIGIKAM_ABI == 806 || DKCLOUD_DIGIKAM_ABI == 901
static_assert(sizeof(Digikam::BatchTool) == 32, "BatchTool: QObject + settings widget + one private pointer");
static_assert(sizeof(Digikam::DPluginBqm) == 32, "DPluginBqm: DPlugin + one private pointer");
static_assert(sizeof(Digikam::ItemInfo) == sizeof(void*), "ItemInfo: one pointer to shared data");
#endif

struct DPluginProbe : Digikam::DPlugin
{
    ~DPluginProbe() override;
};
DPluginProbe::~DPluginProbe() = default;

struct DPluginGenericProbe : Digikam::DPluginGeneric
{
    ~DPluginGenericProbe() override;
};
DPluginGenericProbe::~DPluginGenericProbe() = default;

struct DInfoInterfaceProbe : Digikam::DInfoInterface
{
    using DInfoInterface::DInfoInterface;
    ~DInfoInterfaceProbe() override;
};
DInfoInterfaceProbe::~DInfoInterfaceProbe() = default;

struct DPluginActionProbe : Digikam::DPluginAction
{
    ~DPluginActionProbe() override;
};
DPluginActionProbe::~DPluginActionProbe() = default;

struct DPluginBqmProbe : Digikam::DPluginBqm
{
    ~DPluginBqmProbe() override;
};
DPluginBqmProbe::~DPluginBqmProbe() = default;

struct BatchToolProbe : Digikam::BatchTool
{
    using BatchTool::BatchTool;
    ~BatchToolProbe() override;
};
BatchToolProbe::~BatchToolProbe() = default;

} // namespace dkcloud_probe
