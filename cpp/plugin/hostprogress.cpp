#include "hostprogress.h"

#include "progresswindow.h"

#include <KLocalizedString>

#include <QWidget>

namespace DkCloud
{

HostProgress::HostProgress(const QString& serviceName, const QString& folder, QWidget* near)
    : m_serviceName(serviceName)
    , m_near(near)
{
    Digikam::ProgressManager* manager = Digikam::ProgressManager::instance();
    m_item = Digikam::ProgressManager::createProgressItem(manager->getUniqueID(),
                                                          i18nc("@info progress area", "Uploading to %1: %2", serviceName, folder), QString(),
                                                          /*canBeCanceled*/ true, /*hasThumb*/ false);
    if (m_item)
    {
        m_item->setShowAtStart(true);
        // By name: the item's meta-object is digiKam's.
        connect(m_item.data(), SIGNAL(progressItemCanceled(QString)), this, SLOT(cancelled()));
    }
}

HostProgress::~HostProgress()
{
    // Back in the export window, or gone with it: the item leaves the list.
    if (m_item)
        m_item->setComplete();
}

void HostProgress::update(int permille, const QString& text)
{
    if (!m_item)
        return;
    m_item->setProgress(static_cast<unsigned int>(qBound(0, permille / 10, 100)));
    m_item->setStatus(text);
}

void HostProgress::finish(const QString& summaryHtml, bool complete, const QString& link)
{
    if (m_item)
    {
        m_item->setComplete();
        m_item.clear();
    }
    ProgressWindow::showFinished(m_serviceName, summaryHtml, complete, link, m_near);
}

void HostProgress::cancelled()
{
    if (m_item)
        m_item->setStatus(i18nc("@info:status progress area", "Stopping the upload..."));
    if (onStop)
        onStop();
}

} // namespace DkCloud
