// DKCLOUD_TEST_HOOK names a file that gets one line per notable event (window
// opened with which items, actions registered, upload finished), so tests in
// the real host can see inside the plugin. Nothing happens when it is unset.
#pragma once

#include <QString>

namespace DkCloud
{

void writeTestHook(const QString& line);

// DKCLOUD_TEST_AUTO_UPLOAD=1: the export window starts the upload by itself
// once the album list is loaded (host tests cannot click reliably).
bool testAutoUpload();

} // namespace DkCloud
