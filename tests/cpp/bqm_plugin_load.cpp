// Loads a BQM plugin module as digiKam's loader does (QPluginLoader, then the
// DPluginBqm interface) and drives it only through our declarations:
// metadata, setup(), the tools it registers for a parent, their names,
// titles and group, clone() and defaultSettings() through the virtual table.
//
//   bqm_plugin_load PATH/Bqm_DkCloud_Plugin.so
#include "digikam_bqm_api.h"
#include "plugin_check.h"

#include <QApplication>
#include <QSignalSpy>

using PluginCheck::expect;

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    if (argc != 2)
    {
        QTextStream(stderr) << "usage: bqm_plugin_load PATH/Bqm_DkCloud_Plugin.so\n";
        return 2;
    }
    QPluginLoader loader(QString::fromLocal8Bit(argv[1]));
    expect(loader.metaData().value(QStringLiteral("IID")).toString() == QLatin1String("org.kde.digikam.plugin.bqm.DkCloud"),
           QStringLiteral("plugin metadata IID = %1").arg(loader.metaData().value(QStringLiteral("IID")).toString()));
    QObject* instance = loader.instance();
    expect(instance != nullptr, QStringLiteral("loads: %1").arg(loader.errorString()));
    if (!instance)
        return 1;
    auto* plugin = qobject_cast<Digikam::DPluginBqm*>(instance);
    expect(plugin != nullptr, QStringLiteral("qobject_cast to DPluginBqm (interface org.kde.digikam.DPluginBqm/1.1.0)"));
    if (!plugin)
        return 1;

    expect(plugin->iid() == QLatin1String("org.kde.digikam.plugin.bqm.DkCloud"), QStringLiteral("iid() = %1").arg(plugin->iid()));
    expect(plugin->ifaceIid() == QLatin1String("org.kde.digikam.DPluginBqm/1.1.0"), QStringLiteral("ifaceIid() = %1").arg(plugin->ifaceIid()));
    expect(!plugin->name().isEmpty() && !plugin->description().isEmpty() && !plugin->details().isEmpty(),
           QStringLiteral("name() = %1").arg(plugin->name()));
    expect(!plugin->version().isEmpty(), QStringLiteral("version() = %1 (digiKam's)").arg(plugin->version()));

    QObject    host;
    QSignalSpy added(instance, SIGNAL(toolsAdded(QObject*)));
    plugin->setup(&host);
    expect(added.wait(2000) || added.count() == 1, QStringLiteral("toolsAdded() once the event loop runs"));
    const QList<Digikam::BatchTool*> tools = plugin->tools(&host);
    expect(tools.size() == 2 && plugin->count() == 2, QStringLiteral("setup() registers %1 tools").arg(tools.size()));
    expect(plugin->categories() == QStringList{QStringLiteral("Custom")} || plugin->categories().size() == 1,
           QStringLiteral("categories() = %1").arg(plugin->categories().join(QLatin1Char(','))));

    const QStringList names  = {QStringLiteral("DkCloudUploadOneDrive"), QStringLiteral("DkCloudUploadDropbox")};
    const QStringList titles = {QStringLiteral("Upload to OneDrive"), QStringLiteral("Upload to Dropbox")};
    for (int i = 0; i < tools.size() && i < 2; ++i)
    {
        Digikam::BatchTool* tool = tools[i];
        expect(tool->objectName() == names[i], QStringLiteral("tool %1 name %2").arg(i).arg(tool->objectName()));
        expect(tool->toolTitle() == titles[i], QStringLiteral("tool %1 title %2").arg(i).arg(tool->toolTitle()));
        expect(tool->toolGroup() == Digikam::BatchTool::CustomTool,
               QStringLiteral("tool %1 group %2 (%3)").arg(i).arg(int(tool->toolGroup())).arg(tool->toolGroupToString()));
        expect(tool->plugin() == plugin, QStringLiteral("tool %1 knows its plugin").arg(i));
        expect(plugin->findToolByName(names[i], &host) == tool, QStringLiteral("findToolByName(%1)").arg(names[i]));
        const Digikam::BatchToolSettings defaults = tool->defaultSettings();
        expect(defaults.contains(QStringLiteral("Folder")) && defaults.contains(QStringLiteral("OnConflict")),
               QStringLiteral("defaultSettings(): %1").arg(QStringList(defaults.keys()).join(QLatin1Char(','))));
        Digikam::BatchTool* copy = tool->clone(&host);
        expect(copy && copy != tool && copy->objectName() == tool->objectName() && copy->toolGroup() == tool->toolGroup(),
               QStringLiteral("clone() of %1").arg(names[i]));
        expect(copy && copy->settingsWidget() == nullptr, QStringLiteral("a clone has no settings widget"));
        delete copy;
    }
    return PluginCheck::finish(QStringLiteral("all good"));
}
