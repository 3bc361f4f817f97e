// The question of the first start beside digiKam's own OneDrive/Dropbox
// exporters: Take Over or Keep Both. Non-modal; answering applies the answer
// (takeover.h) and remembers it, so the host asks only once.
#pragma once

#include "service.h"
#include "takeover.h"

#include <QKeySequence>
#include <QList>
#include <QMessageBox>
#include <QPointer>

namespace DkCloud
{

class TakeoverQuestion : public QMessageBox
{
    Q_OBJECT

public:
    // `services`: those whose built-in holds dkcloud's shortcut; `hostWindow`:
    // the parent; `hosts`: every window with both kinds of action (default:
    // the parent).
    TakeoverQuestion(const QList<ServiceId>& services, QWidget* hostWindow, const HostWindows& hosts = {});

    QAbstractButton* takeOverButton() const { return m_takeOver; }
    QAbstractButton* keepBothButton() const { return m_keepBoth; }
    // The keys dkcloud's entries move to with Keep Both (named in the question).
    QList<QKeySequence> movedShortcuts() const { return m_moved; }

Q_SIGNALS:
    void answered(DkCloud::TakeoverAnswer answer);

protected:
    // The window's X answers like Escape: Keep Both.
    void closeEvent(QCloseEvent* event) override;

private:
    void apply(QAbstractButton* button);

    QList<ServiceId>    m_services;
    QList<QKeySequence> m_moved;
    QList<QPointer<QObject>> m_hosts;
    QAbstractButton*    m_takeOver = nullptr;
    QAbstractButton*    m_keepBoth = nullptr;
    bool                m_answered = false;
};

} // namespace DkCloud
