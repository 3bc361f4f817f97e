#include "hook.h"

#include <QCoreApplication>
#include <QFile>
#include <QTextStream>

#include <dlfcn.h>

namespace DkCloud::Testing
{

QString hookPath()
{
    return qEnvironmentVariable("DKCLOUD_TEST_HOOK");
}

void writeLine(const QString& line)
{
    QFile file(hookPath());
    if (file.open(QIODevice::Append | QIODevice::Text))
        QTextStream(&file) << line << '\n';
}

QString yesNo(bool yes)
{
    return yes ? QStringLiteral("yes") : QStringLiteral("no");
}

QObject* ownPluginInstance(const void* addressInLibrary)
{
    Dl_info info{};
    if (!dladdr(addressInLibrary, &info) || !info.dli_fname)
        return nullptr;
    void* self = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD);
    if (!self)
        return nullptr;
    using InstanceFunction = QObject* (*)();
    auto     instance      = reinterpret_cast<InstanceFunction>(dlsym(self, "qt_plugin_instance"));
    QObject* plugin        = instance ? instance() : nullptr;
    dlclose(self);
    return plugin;
}

void whenHostRuns(void (*watch)())
{
    QCoreApplication* app = QCoreApplication::instance();
    if (!app || hookPath().isEmpty())
        return;
    QMetaObject::invokeMethod(app, watch, Qt::QueuedConnection);
}

} // namespace DkCloud::Testing
