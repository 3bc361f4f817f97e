// The digiKam plugin API the rest of cpp/ includes. Selects, at configure
// time, either the headers of an installed digiKam SDK or our own
// declarations of the few classes we use, per digiKam release (their virtual
// tables differ: 8.x inserts handbook functions in DPlugin and
// currentActiveItem() in DInfoInterface). digiKam 9.1 lays out every class we
// declare as 8.6 does (same slots, same object sizes, read from Debian
// forky's libdigikamcore/libdigikamgui 9.1.0; docs/plugin.md), so it uses the
// 8.6 declarations; the ABI test checks them against 9.1's library too.
#pragma once

#if defined(DKCLOUD_DIGIKAM_SYSTEM_HEADERS)
#   include <dinfointerface.h>
#   include <dplugingeneric.h>
#   include <dpluginauthor.h>
#   include <dpluginaction.h>
#elif DKCLOUD_DIGIKAM_ABI == 709
#   include "abi-7.9/dplugingeneric.h"
#elif DKCLOUD_DIGIKAM_ABI == 806 || DKCLOUD_DIGIKAM_ABI == 901
#   include "abi-8.6/dplugingeneric.h"
#else
#   error "no declarations of digiKam's plugin API for this digiKam version (set DKCLOUD_DIGIKAM_ABI)"
#endif
