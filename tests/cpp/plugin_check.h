// What the plugin-loading checks share (builtin_plugin_abi, builtin_bqm_tool_abi,
// bqm_plugin_load): one "ok"/"FAIL" line per expectation, the failures
// counted, and loading a module as digiKam's loader does.
#pragma once

#include <QPluginLoader>
#include <QString>
#include <QTextStream>

namespace PluginCheck
{

inline int& failures()
{
    static int count = 0;
    return count;
}

inline void expect(bool ok, const QString& what)
{
    QTextStream(stdout) << (ok ? "ok   " : "FAIL ") << what << '\n';
    failures() += ok ? 0 : 1;
}

// Exit code of the check: 0 when every expectation held; `success` is said then.
inline int finish(const QString& success)
{
    QTextStream(stdout) << (failures() ? QStringLiteral("%1 failures\n").arg(failures()) : success + QLatin1Char('\n'));
    return failures() ? 1 : 0;
}

// The plugin object of `path` as interface T, or null (said as a failure).
template <typename T>
T* load(QPluginLoader& loader, const char* path, const QString& what)
{
    loader.setFileName(QString::fromLocal8Bit(path));
    T* plugin = qobject_cast<T*>(loader.instance());
    expect(plugin != nullptr, QStringLiteral("loads as %1: %2").arg(what, plugin ? QStringLiteral("yes") : loader.errorString()));
    return plugin;
}

} // namespace PluginCheck
