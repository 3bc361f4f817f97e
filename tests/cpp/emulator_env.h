// The QtTests' side of emulator_process.h: the engine pointed at a running
// emulator, every file of the test in its own folder (dkcloud's config and
// token store, job records, the host's digikamrc), curl as the browser.
#pragma once

#include "emulator_process.h"

#include <KConfig>

#include <QByteArray>
#include <QTemporaryDir>

inline void useTestEmulator(const EmulatorProcess& emulator, const QTemporaryDir& dir)
{
    qputenv("DKCLOUD_EMULATOR", QByteArray::fromStdString(emulator.url()));
    qputenv("DKCLOUD_CONFIG_DIR", dir.filePath(QStringLiteral("dkcloud")).toUtf8());
    qputenv("DKCLOUD_TOKEN_STORE", "file");
    qputenv("XDG_STATE_HOME", dir.filePath(QStringLiteral("state")).toUtf8());
    qputenv("BROWSER", "curl -s -L -o /dev/null");
    KConfig::setMainConfigName(dir.filePath(QStringLiteral("digikamrc")));
}
