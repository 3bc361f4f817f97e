// The Batch Queue Manager's plugin API (libdigikamgui), for the BQM module
// only: the generic plugin does not link libdigikamgui. Selected like
// digikam_api.h (9.1 with the 8.6 declarations).
#pragma once

#if defined(DKCLOUD_DIGIKAM_SYSTEM_HEADERS)
#   include <dpluginbqm.h>
#   include <batchtool.h>
#elif DKCLOUD_DIGIKAM_ABI == 709
#   include "abi-7.9/dpluginbqm.h"
#elif DKCLOUD_DIGIKAM_ABI == 806 || DKCLOUD_DIGIKAM_ABI == 901
#   include "abi-8.6/dpluginbqm.h"
#else
#   error "no declarations of digiKam's BQM plugin API for this digiKam version (set DKCLOUD_DIGIKAM_ABI)"
#endif
