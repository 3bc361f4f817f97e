// The small window an upload shows itself in once its export window was
// closed with "Keep Uploading in Background", in hosts without a progress
// area of their own (showfoto): the service, a bar, the rate and what is
// left, Show Details and Stop Upload; at the end the summary with the link
// to copy or open. It is also the note digiKam gets at the end of a run.
#pragma once

#include "backgroundprogress.h"

#include <QPointer>
#include <QWidget>

namespace DkCloud
{

class ProgressWindow final : public BackgroundProgress
{
public:
    // `serviceName`: "OneDrive" or "Dropbox"; placed near `near` (or the screen's corner).
    ProgressWindow(const QString& serviceName, QWidget* near);
    // A running upload's window goes with it; a finished one stays until its Close.
    ~ProgressWindow() override;

    void update(int permille, const QString& text) override;
    void finish(const QString& summaryHtml, bool complete, const QString& link) override;

    // The window itself (tests look at it); null once the user closed a finished one.
    QWidget* window() const { return m_window; }

    // A finished run's note on its own, for hosts whose progress area has no room for a link.
    static QWidget* showFinished(const QString& serviceName, const QString& summaryHtml, bool complete,
                                 const QString& link, QWidget* near);

private:
    QPointer<QWidget> m_window;
    bool              m_finished = false;
};

} // namespace DkCloud
