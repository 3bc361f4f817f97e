// Compiled only into the test build of the BQM module
// (build/testing/Bqm_DkCloud_Plugin.so, never installed): writes what the
// plugin signals to the file named by DKCLOUD_TEST_HOOK, for the in-host BQM
// test:
//   bqm-plugin name=... tools=DkCloudUploadOneDrive:Upload to OneDrive:Custom|...
//   bqm-item service=OneDrive outcome=uploaded path=... remote=... text=...
#include "bqmplugin.h"
#include "hook.h"

namespace DkCloud
{

namespace
{

DkCloudBqmPlugin* pluginInstance()
{
    return qobject_cast<DkCloudBqmPlugin*>(Testing::ownPluginInstance(reinterpret_cast<const void*>(&pluginInstance)));
}

void watchPlugin(DkCloudBqmPlugin* plugin)
{
    QObject::connect(plugin, &DkCloudBqmPlugin::toolsAdded, plugin, [plugin](QObject* parent) {
        QStringList tools;
        for (const Digikam::BatchTool* tool : plugin->tools(parent))
            tools << QStringLiteral("%1:%2:%3").arg(tool->objectName(), tool->toolTitle(), tool->toolGroupToString());
        Testing::writeLine(QStringLiteral("bqm-plugin name=%1 tools=%2").arg(plugin->name(), tools.join(QLatin1Char('|'))));
    });
    QObject::connect(
        plugin, &DkCloudBqmPlugin::itemFinished, plugin,
        [](const QString& service, const QString& path, const QString& outcome, const QString& text, const QString& remote) {
            Testing::writeLine(QStringLiteral("bqm-item service=%1 outcome=%2 path=%3 remote=%4 text=%5")
                                   .arg(service, outcome, path, remote, text));
        },
        Qt::DirectConnection);
}

// Runs when the host loads the library, before the loader asks for the
// plugin object: the probe looks for it once the event loop runs, which is
// still before the plugin's deferred toolsAdded (queued later, by setup()).
struct Probe
{
    Probe()
    {
        Testing::whenHostRuns([]() {
            if (DkCloudBqmPlugin* plugin = pluginInstance())
                watchPlugin(plugin);
            else
                Testing::writeLine(QStringLiteral("bqm-probe: no plugin instance found"));
        });
    }
};

const Probe probe;

} // namespace

} // namespace DkCloud
