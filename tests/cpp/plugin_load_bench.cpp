// Benchmark, not a timed test: how long loading our plugin and setting it up
// adds to digiKam's plugin loading (the budget is 5 ms). Measures what
// DPluginLoader does per plugin: QPluginLoader::instance(), the cast, setup().
#include "digikam_api.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QMainWindow>
#include <QPluginLoader>
#include <QTextStream>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    if (argc != 2)
    {
        QTextStream(stderr) << "usage: plugin_load_bench PATH/Generic_DkCloud_Plugin.so\n";
        return 2;
    }
    // In digiKam the host library (and everything it pulls in, QtWebEngine
    // included) is loaded long before the plugins: load it first here too.
    QTextStream(stdout) << "host library loaded: " << Digikam::DPluginGeneric::staticMetaObject.className() << '\n';
    QMainWindow host;
    QElapsedTimer timer;
    timer.start();
    QPluginLoader loader(QString::fromLocal8Bit(argv[1]));
    QObject* instance = loader.instance();
    const qint64 loadNs = timer.nsecsElapsed();
    auto* plugin = qobject_cast<Digikam::DPluginGeneric*>(instance);
    if (!plugin)
    {
        QTextStream(stderr) << "not a DPluginGeneric: " << loader.errorString() << '\n';
        return 1;
    }
    timer.restart();
    plugin->setup(&host);
    const qint64 setupNs = timer.nsecsElapsed();
    QTextStream(stdout) << "load " << loadNs / 1000 << " us, setup " << setupNs / 1000 << " us, total "
                        << (loadNs + setupNs) / 1000 << " us (budget 5000 us); actions: " << plugin->count() << '\n';
    return 0;
}
