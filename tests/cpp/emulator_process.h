// Starts dkcloud-emulator for a test and stops it at the end (plain POSIX, so
// that both the Qt-free bridge test and the QtTests can use it).
#pragma once

#include <string>
#include <vector>

#include <sys/types.h>

class EmulatorProcess
{
public:
    // Runs EMULATOR ARGS... and waits for "listening on URL" on its stdout.
    EmulatorProcess(const std::string& emulator, const std::vector<std::string>& args);
    ~EmulatorProcess();

    EmulatorProcess(const EmulatorProcess&)            = delete;
    EmulatorProcess& operator=(const EmulatorProcess&) = delete;

    bool ok() const { return !m_url.empty(); }
    const std::string& url() const { return m_url; }

private:
    pid_t       m_pid = -1;
    std::string m_url;
};

// A fresh temporary folder (removed by the caller's process exit or rm).
std::string makeTempDir(const std::string& prefix);

// A loopback port nobody listens on right now.
int freePort();

// Writes CONFIG_DIR/config.toml fixing Dropbox's loopback port (fixed by
// configuration, unlike OneDrive's) to a free one; false if it cannot.
bool useFreeDropboxPort(const std::string& configDir);
