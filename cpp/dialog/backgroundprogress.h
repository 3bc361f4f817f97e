// Where an upload shows itself once its export window was closed with "Keep
// Uploading in Background": digiKam's own progress area (the plugin's
// HostProgress) or, where the host has none (showfoto), a small window
// (ProgressWindow). The export window owns it while the upload runs and
// feeds it; it asks back through the two callbacks.
#pragma once

#include <QString>

#include <functional>

namespace DkCloud
{

class BackgroundProgress
{
public:
    virtual ~BackgroundProgress() = default;

    // `permille` of the bytes sent; `text` e.g. "3 of 10 photos, 4.2 MiB/s, 1 min left".
    virtual void update(int permille, const QString& text) = 0;
    // The run ended: its summary (rich text, with the folder's link when the
    // service gave one), whether every photo is in place, and the address to
    // copy (a share link or the folder's page; empty when there is none).
    virtual void finish(const QString& summaryHtml, bool complete, const QString& link) = 0;

    // The user wants the upload stopped, or the export window back.
    std::function<void()> onStop;
    std::function<void()> onShow;
};

} // namespace DkCloud
