// Never run: compiled only so that the compiler lays out a virtual table for
// each of our declared digiKam classes. vtable_check.py reads these tables
// from the object file and compares them, slot by slot, with the ones in the
// installed libdigikamcore.
#include "digikam_api.h"

namespace dkcloud_probe
{

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
