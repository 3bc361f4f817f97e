// C++ calling the Rust static library through the cxx bridge, against a real
// dkcloud-emulator over HTTP: login (the browser step done by curl), account
// name, folders, upload (checked byte for byte), cancel, and errors arriving
// as rust::Error. No Qt here: the bridge's C++ face must not need it.
#include "dkcloud-ffi/src/lib.rs.h"
#include "emulator_process.h"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace dkcloud::ffi;

namespace
{

int passed = 0;
int failed = 0;

void check(bool ok, const std::string& what)
{
    std::cout << (ok ? "ok   " : "FAIL ") << what << std::endl;
    (ok ? passed : failed)++;
}

std::string str(const rust::String& s)
{
    return std::string(s.data(), s.size());
}

void setEnv(const char* name, const std::string& value)
{
    if (value.empty())
        unsetenv(name);
    else
        setenv(name, value.c_str(), 1);
}

std::string writeRandomFile(const std::string& path, size_t size, unsigned seed)
{
    std::mt19937 rng(seed);
    std::string data(size, '\0');
    for (auto& c : data)
        c = static_cast<char>(rng());
    std::ofstream(path, std::ios::binary) << data;
    return data;
}

// Collects events from the engine's threads.
class RecordingEvents final : public UploadEvents
{
public:
    void fileChanged(const FileEvent& event) const override
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_files.push_back(event);
        m_changed.notify_all();
    }
    void progress(const JobProgress& progress) const override
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_progress.push_back(progress);
        m_changed.notify_all();
    }
    void finished(const JobSummary& summary) const override
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_summaries.push_back(summary);
        m_changed.notify_all();
    }

    bool waitFor(const std::function<bool()>& condition, int seconds) const
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        return m_changed.wait_for(lock, std::chrono::seconds(seconds), condition);
    }

    mutable std::mutex                      m_mutex;
    mutable std::condition_variable         m_changed;
    mutable std::vector<FileEvent>          m_files;
    mutable std::vector<JobProgress>        m_progress;
    mutable std::vector<JobSummary>         m_summaries;
};

// The "browser": fetches the sign-in page, whose redirect (the emulator
// consents at once) reaches the engine's loopback listener.
class CurlBrowser final : public LoginEvents
{
public:
    void openUrl(rust::Str url) const override
    {
        const std::string u(url.data(), url.size());
        opened = u;
        std::thread([u]() {
            const std::string command = "curl -s -L -o /dev/null '" + u + "'";
            (void)std::system(command.c_str());
        }).detach();
    }
    mutable std::string opened;
};

UploadOptions originalFiles()
{
    UploadOptions options;
    options.resize          = false;
    options.jpeg_quality    = 90;
    options.max_dimension   = 1600;
    options.upload_original = true;
    return options;
}

LocalFile localFile(const std::string& path)
{
    LocalFile file;
    for (char c : path)
        file.path.push_back(static_cast<uint8_t>(c));
    return file;
}

std::string download(const std::string& base, const std::string& token, const std::string& remotePath, const std::string& to)
{
    const std::string command = "curl -sfL -H 'Authorization: Bearer " + token + "' '" + base + "/v1.0/me/drive/root:" +
                                remotePath + ":/content' -o '" + to + "'";
    if (std::system(command.c_str()) != 0)
        return {};
    std::ifstream in(to, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 2)
    {
        std::cerr << "usage: bridge_test PATH/dkcloud-emulator\n";
        return 2;
    }
    const std::string emulatorPath = argv[1];
    const std::string home         = makeTempDir("dkcloud-bridge");
    setEnv("DKCLOUD_CONFIG_DIR", home + "/config");
    setEnv("DKCLOUD_TOKEN_STORE", "file");
    setEnv("XDG_CONFIG_HOME", home + "/xdg");
    setEnv("BROWSER", "");

    const std::string token = "bridge-test-token";
    EmulatorProcess emulator(emulatorPath, {"--static-token", token});
    check(emulator.ok(), "emulator started at " + emulator.url());
    if (!emulator.ok())
        return 1;
    setEnv("DKCLOUD_EMULATOR", emulator.url());
    const AppRegistration noRegistration{};

    // -- errors are rust::Error, with words for the user
    setEnv("DKCLOUD_STATIC_TOKEN", "");
    try
    {
        auto session = openSession(Service::OneDrive, noRegistration, "");
        session->accountName();
        check(false, "not logged in: accountName() throws");
    }
    catch (const rust::Error& e)
    {
        check(std::string(e.what()).find("not logged in") != std::string::npos,
              std::string("not logged in: accountName() throws rust::Error: ") + e.what());
    }

    // -- login: the engine asks us to open the sign-in page; curl plays the browser
    try
    {
        auto session = openSession(Service::OneDrive, noRegistration, "");
        auto browser = std::make_shared<CurlBrowser>();
        const std::string account = str(session->login(browser));
        check(browser->opened.find("/authorize") != std::string::npos, "login opened the sign-in page " + browser->opened);
        check(!account.empty(), "login returned the account " + account);
        const std::string name = str(session->accountName());
        check(!name.empty(), "after login accountName() = " + name);
        const auto known = accounts(Service::OneDrive);
        check(known.size() == 1 && str(known[0]) == account, "accounts() lists the new login");
        // A new session finds the saved login by itself.
        auto again = openSession(Service::OneDrive, noRegistration, account);
        check(str(again->accountName()) == name, "a new session reuses the saved login");
    }
    catch (const rust::Error& e)
    {
        check(false, std::string("login: ") + e.what());
    }

    setEnv("DKCLOUD_STATIC_TOKEN", token);
    for (Service service : {Service::OneDrive, Service::Dropbox})
    {
        const std::string name = service == Service::OneDrive ? "OneDrive" : "Dropbox";
        try
        {
            auto session = openSession(service, noRegistration, "");
            check(!str(session->accountName()).empty(), name + ": static token gives an account name");

            const std::string created = str(session->createFolder("Photos/2024//Trip/"));
            check(created == "/Photos/2024/Trip", name + ": createFolder normalises nested paths: " + created);
            const auto folders = session->listFolders();
            bool sawParent = false, sawChild = false;
            for (const auto& f : folders)
            {
                sawParent = sawParent || str(f) == "/Photos/2024";
                sawChild  = sawChild || str(f) == "/Photos/2024/Trip";
            }
            check(sawParent && sawChild, name + ": listFolders shows the nested folders");

            // Two files: one small, one above OneDrive's 4 MiB simple-upload limit.
            const std::string small = home + "/small-" + name + ".jpg";
            const std::string large = home + "/large-" + name + ".jpg";
            const std::string smallData = writeRandomFile(small, 300 * 1024, 1);
            const std::string largeData = writeRandomFile(large, 6 * 1024 * 1024 + 123, 2);
            std::vector<LocalFile> files{localFile(small), localFile(large)};
            auto events = std::make_shared<RecordingEvents>();
            auto job    = session->startUpload(rust::Slice<const LocalFile>(files.data(), files.size()), "/Photos/2024/Trip",
                                               originalFiles(), events);
            const bool ended = job->waitFor(60000);
            check(ended && job->isFinished(), name + ": upload job finished");
            events->waitFor([&] { return !events->m_summaries.empty(); }, 5);
            std::lock_guard<std::mutex> lock(events->m_mutex);
            check(events->m_summaries.size() == 1, name + ": exactly one finished event");
            if (!events->m_summaries.empty())
            {
                const auto& s = events->m_summaries.front();
                check(s.files_uploaded == 2 && s.files_failed == 0 && !s.cancelled,
                      name + ": summary 2 uploaded, 0 failed " + str(s.message));
            }
            int done = 0;
            for (const auto& f : events->m_files)
                done += f.state == FileState::Done ? 1 : 0;
            check(done == 2, name + ": both files reported done");
            check(!events->m_progress.empty() && events->m_progress.back().bytes_sent == smallData.size() + largeData.size(),
                  name + ": progress ends at the total size");
            if (service == Service::OneDrive)
            {
                check(download(emulator.url(), token, "/Photos/2024/Trip/large-OneDrive.jpg", home + "/back.jpg") == largeData,
                      name + ": the stored large file is byte-identical");
            }
        }
        catch (const rust::Error& e)
        {
            check(false, name + ": " + e.what());
        }
    }

    // -- bad resize options are refused before anything is sent
    try
    {
        auto session = openSession(Service::OneDrive, noRegistration, "");
        std::vector<LocalFile> files{localFile(home + "/small-OneDrive.jpg")};
        UploadOptions resize    = originalFiles();
        resize.upload_original = false;
        resize.resize          = true;
        resize.jpeg_quality    = 0;
        session->startUpload(rust::Slice<const LocalFile>(files.data(), files.size()), "/x", resize,
                             std::make_shared<RecordingEvents>());
        check(false, "a JPEG quality of 0 is refused");
    }
    catch (const rust::Error& e)
    {
        check(std::string(e.what()).find("JPEG quality") != std::string::npos, std::string("quality 0 is refused: ") + e.what());
    }

    // -- cancel: a slow emulator, cancel at the first progress
    {
        EmulatorProcess slow(emulatorPath, {"--static-token", token, "--bandwidth", "262144", "--latency-ms", "2000"});
        setEnv("DKCLOUD_EMULATOR", slow.url());
        try
        {
            auto session = openSession(Service::OneDrive, noRegistration, "");
            const std::string big = home + "/big.jpg";
            writeRandomFile(big, 8 * 1024 * 1024, 3);
            std::vector<LocalFile> files{localFile(big)};
            auto events = std::make_shared<RecordingEvents>();
            auto job    = session->startUpload(rust::Slice<const LocalFile>(files.data(), files.size()), "/Slow",
                                               originalFiles(), events);
            events->waitFor([&] { return !events->m_progress.empty(); }, 20);
            const auto started = std::chrono::steady_clock::now();
            job->cancel();
            const bool ended  = job->waitFor(15000);
            const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
            check(ended, "cancel ends the job in " + std::to_string(millis) + " ms");
            events->waitFor([&] { return !events->m_summaries.empty(); }, 5);
            std::lock_guard<std::mutex> lock(events->m_mutex);
            check(events->m_summaries.size() == 1 && events->m_summaries[0].cancelled &&
                      events->m_summaries[0].files_uploaded == 0,
                  "a cancelled job says so in its summary: " +
                      (events->m_summaries.empty() ? std::string("none") : str(events->m_summaries[0].message)));
        }
        catch (const rust::Error& e)
        {
            check(false, std::string("cancel: ") + e.what());
        }
    }

    std::string cleanup = "rm -rf '" + home + "'";
    (void)std::system(cleanup.c_str());
    std::cout << passed << " passed, " << failed << " failed" << std::endl;
    return failed ? 1 : 0;
}
