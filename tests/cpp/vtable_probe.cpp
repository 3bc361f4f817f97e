// Never run: compiled only so that the compiler lays out a virtual table for
// each of our declared digiKam classes. vtable_check.py reads these tables
// from the object file and compares them, slot by slot, with the ones in the
// installed libdigikamcore.
#include "digikam_api.h"

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

} // namespace dkcloud_probe
