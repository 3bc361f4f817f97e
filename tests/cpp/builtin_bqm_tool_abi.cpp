// Loads one of digiKam's own BQM plugins (built with digiKam's real headers)
// and calls its tool only through our declarations. The library's virtual
// tables show the pure functions as __cxa_pure_virtual; the order of
// defaultSettings() and toolOperations() is read from the library's own calls,
// clone()'s follows from them: a real tool proves it.
//
//   builtin_bqm_tool_abi PATH/Bqm_Flip_Plugin.so
#include "digikam_bqm_api.h"
#include "plugin_check.h"

#include <QApplication>
#include <QTextStream>

using PluginCheck::expect;

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    if (argc != 2)
    {
        QTextStream(stderr) << "usage: builtin_bqm_tool_abi PATH/Bqm_Flip_Plugin.so\n";
        return 2;
    }
    QPluginLoader loader;
    auto*         plugin = PluginCheck::load<Digikam::DPluginBqm>(loader, argv[1], QStringLiteral("DPluginBqm"));
    if (!plugin)
        return 1;
    expect(plugin->iid().startsWith(QLatin1String("org.kde.digikam.plugin.bqm.")), QStringLiteral("iid() = %1").arg(plugin->iid()));

    QObject host;
    plugin->setup(&host);
    const QList<Digikam::BatchTool*> tools = plugin->tools(&host);
    expect(tools.size() == 1, QStringLiteral("setup() registers %1 tool").arg(tools.size()));
    if (tools.isEmpty())
        return 1;
    Digikam::BatchTool* tool = tools.first();
    expect(!tool->objectName().isEmpty() && tool->toolTitle() == plugin->name(),
           QStringLiteral("tool %1 titled %2").arg(tool->objectName(), tool->toolTitle()));
    expect(tool->toolVersion() >= 1, QStringLiteral("toolVersion() = %1").arg(tool->toolVersion()));
    const Digikam::BatchToolSettings defaults = tool->defaultSettings();
    expect(!defaults.isEmpty(), QStringLiteral("defaultSettings(): %1").arg(QStringList(defaults.keys()).join(QLatin1Char(','))));
    Digikam::BatchTool* copy = tool->clone(&host);
    expect(copy && copy != tool && copy->objectName() == tool->objectName() && copy->toolGroup() == tool->toolGroup(),
           QStringLiteral("clone() gives another %1").arg(copy ? copy->objectName() : QString()));
    expect(tool->outputSuffix().isEmpty(), QStringLiteral("outputSuffix() is empty for %1").arg(tool->objectName()));
    // apply() without an image: toolOperations() (through slot 17 / 18) fails, cleanly.
    if (copy)
    {
        copy->setSettings(defaults);
        copy->setInputUrl(QUrl::fromLocalFile(QStringLiteral("/nonexistent/none.jpg")));
        expect(!copy->apply(), QStringLiteral("apply() on a missing file runs toolOperations() and fails"));
    }
    delete copy;
    return PluginCheck::finish(QStringLiteral("our declarations drive a real digiKam BQM tool"));
}
