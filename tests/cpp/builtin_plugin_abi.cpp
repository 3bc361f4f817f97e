// Loads digiKam's own OneDrive plugin (built with digiKam's real headers) and
// calls it only through our declarations. The library's virtual tables show
// pure functions as __cxa_pure_virtual, so they cannot tell whether setup(),
// name() and iid() are in the right order: a real plugin can.
#include "digikam_api.h"
#include "plugin_check.h"

#include <QApplication>
#include <QPluginLoader>
#include <QTextStream>

using PluginCheck::expect;

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    if (argc != 2)
    {
        QTextStream(stderr) << "usage: builtin_plugin_abi PATH/Generic_OneDrive_Plugin.so\n";
        return 2;
    }
    QPluginLoader loader(QString::fromLocal8Bit(argv[1]));
    QObject* instance = loader.instance();
    expect(instance != nullptr, QStringLiteral("loads: %1").arg(loader.errorString()));
    if (!instance)
        return 1;

    auto* plugin = qobject_cast<Digikam::DPluginGeneric*>(instance);
    expect(plugin != nullptr, QStringLiteral("qobject_cast to our DPluginGeneric"));
    if (!plugin)
        return 1;

    expect(plugin->iid() == QLatin1String("org.kde.digikam.plugin.generic.OneDrive"), QStringLiteral("iid() = %1").arg(plugin->iid()));
    expect(plugin->ifaceIid() == QLatin1String("org.kde.digikam.DPluginGeneric/1.1.0"), QStringLiteral("ifaceIid() = %1").arg(plugin->ifaceIid()));
    expect(plugin->name().contains(QLatin1String("OneDrive"), Qt::CaseInsensitive), QStringLiteral("name() = %1").arg(plugin->name()));
    expect(!plugin->description().isEmpty(), QStringLiteral("description() = %1").arg(plugin->description()));
    expect(!plugin->details().isEmpty(), QStringLiteral("details() is text"));
    const auto authors = plugin->authors();
    expect(!authors.isEmpty() && !authors.first().name.isEmpty(),
           QStringLiteral("authors(): %1 first %2").arg(authors.size()).arg(authors.isEmpty() ? QString() : authors.first().name));
    expect(plugin->version() == QLatin1String("7.9.0") || !plugin->version().isEmpty(), QStringLiteral("version() = %1").arg(plugin->version()));

    QObject host;
    plugin->setup(&host);
    expect(plugin->count() >= 1, QStringLiteral("setup() then count() = %1").arg(plugin->count()));
    const auto actions = plugin->actions(&host);
    expect(!actions.isEmpty() && actions.first()->objectName() == QLatin1String("export_onedrive"),
           QStringLiteral("actions(): %1").arg(actions.isEmpty() ? QString() : actions.first()->objectName()));
    expect(plugin->categories().contains(QLatin1String("Export")) || !plugin->categories().isEmpty(),
           QStringLiteral("categories() = %1").arg(plugin->categories().join(QLatin1Char(','))));

    return PluginCheck::finish(QStringLiteral("our declarations drive a real digiKam plugin"));
}
