#include "emulator_process.h"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

EmulatorProcess::EmulatorProcess(const std::string& emulator, const std::vector<std::string>& args)
{
    int out[2];
    if (pipe(out) != 0)
        return;
    m_pid = fork();
    if (m_pid == 0)
    {
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        close(out[1]);
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>(emulator.c_str()));
        for (const auto& a : args)
            argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(emulator.c_str(), argv.data());
        _exit(127);
    }
    close(out[1]);
    FILE* stream = fdopen(out[0], "r");
    char line[512] = {};
    const char* prefix = "listening on ";
    if (stream && fgets(line, sizeof line, stream) && std::strncmp(line, prefix, std::strlen(prefix)) == 0)
    {
        m_url = line + std::strlen(prefix);
        while (!m_url.empty() && (m_url.back() == '\n' || m_url.back() == '\r'))
            m_url.pop_back();
    }
    // Keep the pipe open (the emulator writes nothing more); closing it is harmless too.
}

EmulatorProcess::~EmulatorProcess()
{
    if (m_pid > 0)
    {
        kill(m_pid, SIGTERM);
        int status = 0;
        waitpid(m_pid, &status, 0);
    }
}

std::string makeTempDir(const std::string& prefix)
{
    std::string pattern = "/tmp/" + prefix + ".XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    const char* made = mkdtemp(buffer.data());
    return made ? std::string(made) : std::string();
}

bool useFreeDropboxPort(const std::string& configDir)
{
    std::error_code error;
    std::filesystem::create_directories(configDir, error);
    std::ofstream config(configDir + "/config.toml", std::ios::trunc);
    config << "[dropbox]\nredirect_port = " << freePort() << "\n";
    return static_cast<bool>(config.flush());
}

int freePort()
{
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family      = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len        = sizeof(addr);
    int port             = 0;
    if (s >= 0 && ::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
        ::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
        port = ntohs(addr.sin_port);
    ::close(s);
    return port;
}
