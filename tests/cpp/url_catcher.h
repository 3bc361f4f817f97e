// Stands in for the web browser QDesktopServices would start: a test gives it
// a scheme (QDesktopServices::setUrlHandler(scheme, &catcher, "open")) and
// reads what was opened.
#pragma once

#include <QList>
#include <QObject>
#include <QUrl>

class UrlCatcher : public QObject
{
    Q_OBJECT

public:
    QList<QUrl> opened;

public Q_SLOTS:
    void open(const QUrl& url) { opened << url; }
};
