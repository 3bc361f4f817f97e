// What the test builds' probes share (cpp/testing/, never installed): the
// hook file named by DKCLOUD_TEST_HOOK, one line per event, and the plugin
// object of the probe's own library.
#pragma once

#include <QString>

class QObject;

namespace DkCloud::Testing
{

QString hookPath();
void    writeLine(const QString& line);
QString yesNo(bool yes);

// The plugin object the loader got: the qt_plugin_instance() (made by moc for
// Q_PLUGIN_METADATA) of the library holding `addressInLibrary`, looked up
// through that library's handle. Every Qt plugin exports one of that name, so
// a plain call could reach another plugin's.
QObject* ownPluginInstance(const void* addressInLibrary);

// Runs `watch` once the host's event loop runs (before the plugin's deferred
// signals), if DKCLOUD_TEST_HOOK is set.
void whenHostRuns(void (*watch)());

} // namespace DkCloud::Testing
