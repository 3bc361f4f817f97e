// C++ calling the Rust static library through the cxx bridge, against a real
// dkcloud-emulator over HTTP: login (the engine starts $BROWSER, played by
// curl; or tells the address when no browser starts), account name, folders,
// upload (checked byte for byte), cancel, and errors arriving as rust::Error.
// No Qt here: the bridge's C++ face must not need it.
#include "dkcloud-ffi/src/lib.rs.h"
#include "emulator_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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

    // The last final state of file `index` (call with m_mutex held).
    FileState stateOf(size_t index) const
    {
        FileState state = FileState::Uploading;
        for (const auto& f : m_files)
            if (f.index == index && f.state != FileState::Uploading)
                state = f.state;
        return state;
    }
    std::string remoteOf(size_t index) const
    {
        std::string remote;
        for (const auto& f : m_files)
            if (f.index == index && f.state != FileState::Uploading)
                remote.assign(f.remote_path.data(), f.remote_path.size());
        return remote;
    }

    mutable std::mutex                      m_mutex;
    mutable std::condition_variable         m_changed;
    mutable std::vector<FileEvent>          m_files;
    mutable std::vector<JobProgress>        m_progress;
    mutable std::vector<JobSummary>         m_summaries;
};

// What the engine says about the sign-in page: the address, and whether a
// browser ($BROWSER, else xdg-open) could be started for it.
class RecordingLogin final : public LoginEvents
{
public:
    void pageOpened(rust::Str url, bool opened) const override
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_url.assign(url.data(), url.size());
        m_opened = opened;
        ++m_calls;
        m_changed.notify_all();
    }

    bool waitForPage(int seconds) const
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        return m_changed.wait_for(lock, std::chrono::seconds(seconds), [this] { return m_calls > 0; });
    }
    std::string url() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_url;
    }
    bool opened() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_opened;
    }
    int calls() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_calls;
    }

private:
    mutable std::mutex              m_mutex;
    mutable std::condition_variable m_changed;
    mutable std::string             m_url;
    mutable bool                    m_opened = false;
    mutable int                     m_calls  = 0;
};

// The user's browser, played by curl: it fetches the sign-in page, whose
// redirect (the emulator consents at once) reaches the engine's loopback listener.
const char* const curlBrowser = "curl -s -L -o /dev/null";

// A real login through the browser; returns the account.
std::string logInThroughBrowser(const ExportSession& session, const std::string& what)
{
    setEnv("BROWSER", curlBrowser);
    auto events           = std::make_shared<RecordingLogin>();
    const LoginStep step  = session.login(events);
    const std::string url = events->url();
    check(step.signed_in && events->calls() == 1 && events->opened() && url.find("/authorize") != std::string::npos,
          what + ": logged in through the browser (the engine opened " + url + ")");
    return str(step.account);
}

// GET a page (no token), its body.
std::string fetch(const std::string& url)
{
    std::string body;
    if (FILE* pipe = ::popen(("curl -s -L '" + url + "'").c_str(), "r"))
    {
        char buffer[4096];
        size_t n = 0;
        while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
            body.append(buffer, n);
        ::pclose(pipe);
    }
    return body;
}

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

    // The bridge logs in for real; the emulator's static token only lets this
    // test fetch what was stored, as a second client would.
    const std::string token = "bridge-test-token";
    EmulatorProcess emulator(emulatorPath, {"--static-token", token});
    check(emulator.ok(), "emulator started at " + emulator.url());
    if (!emulator.ok())
        return 1;
    setEnv("DKCLOUD_EMULATOR", emulator.url());
    const AppRegistration noRegistration{};

    // -- errors are rust::Error, with words for the user
    try
    {
        auto session = openSession(Service::OneDrive, noRegistration, "");
        session->accountName();
        check(false, "not logged in: accountName() throws");
    }
    catch (const rust::Error& e)
    {
        check(errorKindOf(e.what()) == ErrorKind::NotLoggedIn,
              std::string("not logged in: accountName() throws rust::Error of kind NotLoggedIn: ") + e.what());
        // The dialog words this itself; the command line's advice stays out.
        check(str(errorDetailOf(e.what())).find("dkcloud login") == std::string::npos,
              std::string("no command-line advice in the details: ") + e.what());
    }

    // -- login: the engine opens the sign-in page in $BROWSER; curl plays the browser
    try
    {
        auto session              = openSession(Service::OneDrive, noRegistration, "");
        const std::string account = logInThroughBrowser(*session, "OneDrive");
        check(!account.empty(), "login returned the account " + account);
        const std::string name = str(session->accountName());
        check(!name.empty(), "after login accountName() = " + name);
        const auto known = accounts(Service::OneDrive);
        check(known.size() == 1 && str(known[0]) == account, "accounts() lists the new login");
        // A new session finds the saved login by itself.
        auto again = openSession(Service::OneDrive, noRegistration, account);
        check(str(again->accountName()) == name, "a new session reuses the saved login");
        // Log out: the login is gone from the token store and the account list.
        check(str(again->logout()) == account, "logout names the account it logged out");
        check(accounts(Service::OneDrive).empty(), "after logout accounts() lists no login");
        try
        {
            openSession(Service::OneDrive, noRegistration, account)->accountName();
            check(false, "after logout the account is not logged in");
        }
        catch (const rust::Error& e)
        {
            check(errorKindOf(e.what()) == ErrorKind::NotLoggedIn, std::string("after logout: ") + e.what());
        }
    }
    catch (const rust::Error& e)
    {
        check(false, std::string("login: ") + e.what());
    }

    // -- Dropbox's fixed loopback port is taken: the login asks for the code the page shows
    {
        const int blocker = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family      = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port        = 0;
        socklen_t len        = sizeof(addr);
        const bool bound = blocker >= 0 && ::bind(blocker, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
                           ::listen(blocker, 1) == 0 &&
                           ::getsockname(blocker, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
        check(bound, "a loopback port to block");
        const int port = ntohs(addr.sin_port);
        (void)std::system(("mkdir -p '" + home + "/config' && printf '[dropbox]\\nredirect_port = " +
                           std::to_string(port) + "\\n' > '" + home + "/config/config.toml'").c_str());
        try
        {
            auto session = openSession(Service::Dropbox, noRegistration, "");
            // A browser that starts but shows nothing: the test reads the page itself.
            setEnv("BROWSER", "true");
            auto events          = std::make_shared<RecordingLogin>();
            const LoginStep step = session->login(events);
            check(!step.signed_in && !str(step.paste_instructions).empty(),
                  "port taken: the login waits for a pasted code: " + str(step.paste_instructions));
            check(events->opened(), "the code page was handed to $BROWSER");
            const std::string page = fetch(events->url());
            const std::string marker = "<code id=\"auth-code\">";
            const auto at = page.find(marker);
            const std::string code = at == std::string::npos ? std::string()
                : page.substr(at + marker.size(), page.find('<', at + marker.size()) - at - marker.size());
            check(!code.empty(), "the sign-in page shows a code");
            const std::string account = str(session->finishLogin(code));
            check(!account.empty() && str(session->accountName()) == account, "the pasted code logs in " + account);
        }
        catch (const rust::Error& e)
        {
            check(false, std::string("pasted-code login: ") + e.what());
        }
        ::close(blocker);
        (void)std::system(("rm -f '" + home + "/config/config.toml'").c_str());
    }

    // -- no browser can be started: the engine still tells the address (to be opened by hand)
    {
        const std::string noPrograms = home + "/no-programs";
        (void)std::system(("mkdir -p '" + noPrograms + "'").c_str());
        const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
        setEnv("BROWSER", "/nonexistent/dkcloud-browser");
        setEnv("PATH", noPrograms); // and no xdg-open either
        try
        {
            auto session = openSession(Service::OneDrive, noRegistration, "");
            auto events  = std::make_shared<RecordingLogin>();
            std::string loginError;
            std::thread login([&]() {
                try
                {
                    session->login(events);
                    loginError = "none";
                }
                catch (const rust::Error& e)
                {
                    loginError = e.what();
                }
            });
            const bool told = events->waitForPage(20);
            setEnv("PATH", path);
            check(told && !events->opened() && events->url().find("/authorize") != std::string::npos,
                  "no browser: pageOpened(url, false) with the sign-in address " + events->url());
            // The user opens the address by hand: the login completes.
            if (told)
                (void)std::system(("curl -s -L -o /dev/null '" + events->url() + "'").c_str());
            login.join();
            check(loginError == "none" && !str(session->accountName()).empty(),
                  "the address opened by hand completes the login (" + loginError + ")");
            session->logout();
        }
        catch (const rust::Error& e)
        {
            check(false, std::string("no browser: ") + e.what());
        }
        setEnv("PATH", path);
    }

    useFreeDropboxPort(home + "/config");
    for (Service service : {Service::OneDrive, Service::Dropbox})
    {
        const std::string name = service == Service::OneDrive ? "OneDrive" : "Dropbox";
        try
        {
            auto session = openSession(service, noRegistration, "");
            logInThroughBrowser(*session, name);
            check(!str(session->accountName()).empty(), name + ": the login gives an account name");

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
                                               originalFiles(), "replace", events);
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
                done += f.state == FileState::Uploaded ? 1 : 0;
            check(done == 2, name + ": both files reported uploaded");
            check(!events->m_progress.empty() && events->m_progress.back().bytes_sent == smallData.size() + largeData.size(),
                  name + ": progress ends at the total size");
            if (service == Service::OneDrive)
            {
                check(download(emulator.url(), token, "/Photos/2024/Trip/large-OneDrive.jpg", home + "/back.jpg") == largeData,
                      name + ": the stored large file is byte-identical");
            }
            // The photo is edited and sent again: each policy's truth, told per file and counted by kind.
            const std::string edited = writeRandomFile(small, 310 * 1024, 7);
            const auto rerun = [&](const char* policy) {
                auto again = std::make_shared<RecordingEvents>();
                auto job2  = session->startUpload(rust::Slice<const LocalFile>(files.data(), files.size()),
                                                  "/Photos/2024/Trip", originalFiles(), policy, again);
                job2->waitFor(60000);
                again->waitFor([&] { return !again->m_summaries.empty(); }, 5);
                return again;
            };
            {
                auto skip = rerun("skip");
                std::lock_guard<std::mutex> l(skip->m_mutex);
                const auto& s = skip->m_summaries.front();
                check(s.files_skipped == 1 && s.files_already_there == 1 && s.files_uploaded == 0,
                      name + ": skip: the edited photo is skipped, the other already there");
                check(skip->stateOf(0) == FileState::Skipped && skip->stateOf(1) == FileState::AlreadyThere,
                      name + ": skip: per-file states say the same");
            }
            {
                auto kept = rerun("rename");
                std::lock_guard<std::mutex> l(kept->m_mutex);
                const auto& s = kept->m_summaries.front();
                check(s.files_kept_both == 1 && s.files_already_there == 1, name + ": rename: kept both, 1 already there");
                check(kept->stateOf(0) == FileState::KeptBoth && kept->remoteOf(0) != "/Photos/2024/Trip/small-" + name + ".jpg",
                      name + ": rename: stored under a new name " + kept->remoteOf(0));
            }
            {
                auto replaced = rerun("replace");
                std::lock_guard<std::mutex> l(replaced->m_mutex);
                const auto& s = replaced->m_summaries.front();
                check(s.files_replaced == 1 && s.files_already_there == 1 && s.files_uploaded == 0 && s.files_failed == 0,
                      name + ": replace: 1 replaced, 1 already there (" + std::to_string(s.files_replaced) + " replaced, " +
                          std::to_string(s.files_already_there) + " already there, " + std::to_string(s.files_uploaded) +
                          " uploaded, " + std::to_string(s.files_kept_both) + " kept, " + std::to_string(s.files_failed) +
                          " failed: " + str(s.message) + ")");
                check(replaced->stateOf(0) == FileState::Replaced, name + ": replace: the edited photo is reported replaced");
                check(!str(s.folder_web_url).empty() && str(s.folder_web_url).find(emulator.url()) == 0,
                      name + ": the summary links to the folder's page on the service: " + str(s.folder_web_url));
                if (!str(s.folder_web_url).empty())
                    check(fetch(str(s.folder_web_url)).find("small-" + name + ".jpg") != std::string::npos,
                          name + ": the folder's page lists the photo");
            }
            if (service == Service::OneDrive)
                check(download(emulator.url(), token, "/Photos/2024/Trip/small-OneDrive.jpg", home + "/back.jpg") == edited,
                      name + ": the cloud holds the edited photo");
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
        session->startUpload(rust::Slice<const LocalFile>(files.data(), files.size()), "/x", resize, "replace",
                             std::make_shared<RecordingEvents>());
        check(false, "a JPEG quality of 0 is refused");
    }
    catch (const rust::Error& e)
    {
        check(std::string(e.what()).find("JPEG quality") != std::string::npos, std::string("quality 0 is refused: ") + e.what());
    }

    // -- cancel: a slow emulator, cancel at the first progress
    {
        EmulatorProcess slow(emulatorPath, {"--bandwidth", "262144", "--latency-ms", "2000"});
        setEnv("DKCLOUD_EMULATOR", slow.url());
        setEnv("DKCLOUD_CONFIG_DIR", home + "/config-slow");
        try
        {
            auto session = openSession(Service::OneDrive, noRegistration, "");
            logInThroughBrowser(*session, "slow OneDrive");
            const std::string big = home + "/big.jpg";
            writeRandomFile(big, 8 * 1024 * 1024, 3);
            std::vector<LocalFile> files{localFile(big)};
            auto events = std::make_shared<RecordingEvents>();
            auto job    = session->startUpload(rust::Slice<const LocalFile>(files.data(), files.size()), "/Slow",
                                               originalFiles(), "replace", events);
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
