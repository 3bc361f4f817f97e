// A background upload in digiKam's own progress area (the status bar's
// progress list, with its cancel button), and at the end the finished note
// with the link (ProgressWindow::showFinished): the progress list has no room
// for a link.
#pragma once

#include "backgroundprogress.h"
#include "progressmanager_api.h"

#include <QObject>
#include <QPointer>

namespace DkCloud
{

class HostProgress final : public QObject, public BackgroundProgress
{
    Q_OBJECT

public:
    HostProgress(const QString& serviceName, const QString& folder, QWidget* near);
    ~HostProgress() override;

    void update(int permille, const QString& text) override;
    void finish(const QString& summaryHtml, bool complete, const QString& link) override;

private Q_SLOTS:
    // The progress list's cancel button.
    void cancelled();

private:
    QPointer<Digikam::ProgressItem> m_item;
    QString                         m_serviceName;
    QPointer<QWidget>               m_near;
};

} // namespace DkCloud
