// What the engine tells the plugin while it works. Called from the engine's
// own threads: an implementation must not touch widgets directly (the Qt side
// posts each call to the GUI thread) and must not throw.
// Deliberately free of Qt so that the bridge can be tested without it.
#pragma once

#include "rust/cxx.h"

namespace dkcloud::ffi
{

struct FileEvent;
struct JobProgress;
struct JobSummary;

class LoginEvents
{
public:
    virtual ~LoginEvents() = default;
    // The sign-in page was handed to the user's browser (`$BROWSER`, else
    // xdg-open), or no browser could be started (`opened` false): either way
    // the dialog may show the address for the user to open by hand.
    virtual void pageOpened(rust::Str url, bool opened) const = 0;
};

class UploadEvents
{
public:
    virtual ~UploadEvents() = default;
    virtual void fileChanged(const FileEvent& event) const = 0;
    // At most every 100 ms, and once at the end.
    virtual void progress(const JobProgress& progress) const = 0;
    // Exactly once per job, after the last fileChanged.
    virtual void finished(const JobSummary& summary) const = 0;
};

} // namespace dkcloud::ffi
