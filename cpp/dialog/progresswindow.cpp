#include "progresswindow.h"

#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QVBoxLayout>

namespace DkCloud
{

namespace
{

// The window: while the upload runs it cannot be closed (Stop Upload and
// Show Details say what happens to the upload); once finished it can.
class ProgressPanel final : public QWidget
{
public:
    explicit ProgressPanel(const QString& serviceName)
        : QWidget(nullptr, Qt::Window)
    {
        setObjectName(QStringLiteral("dkcloudBackgroundUpload"));
        setAttribute(Qt::WA_DeleteOnClose);
        setWindowTitle(QApplication::translate("DkCloud", "Uploading to %1").arg(serviceName));
        m_service = serviceName;
        auto* layout = new QVBoxLayout(this);
        m_text       = new QLabel(this);
        m_text->setObjectName(QStringLiteral("backgroundStatus"));
        m_text->setWordWrap(true);
        m_text->setTextFormat(Qt::RichText);
        m_text->setOpenExternalLinks(true);
        m_text->setMinimumWidth(380);
        m_bar = new QProgressBar(this);
        m_bar->setObjectName(QStringLiteral("backgroundBar"));
        m_bar->setRange(0, 1000);
        auto* buttons = new QHBoxLayout;
        m_details     = addButton(buttons, QStringLiteral("showDetailsButton"), QApplication::translate("DkCloud", "Show &Details"));
        m_stop        = addButton(buttons, QStringLiteral("stopUploadButton"), QApplication::translate("DkCloud", "&Stop Upload"));
        m_copy        = addButton(buttons, QStringLiteral("copyLinkButton"), QApplication::translate("DkCloud", "&Copy Link"));
        m_close       = addButton(buttons, QStringLiteral("closeProgressButton"), QApplication::translate("DkCloud", "&Close"));
        m_copy->hide();
        m_close->hide();
        layout->addWidget(m_text);
        layout->addWidget(m_bar);
        layout->addLayout(buttons);
        connect(m_close, &QPushButton::clicked, this, &QWidget::close);
    }

    void showFinished(const QString& summaryHtml, bool complete, const QString& link)
    {
        m_finished = true;
        setWindowTitle(QApplication::translate("DkCloud", "Upload to %1 finished").arg(m_service));
        m_text->setText(summaryHtml);
        if (complete)
            m_bar->setValue(m_bar->maximum());
        m_details->hide();
        m_stop->hide();
        m_copy->setVisible(!link.isEmpty());
        QObject::disconnect(m_copy, nullptr, nullptr, nullptr);
        connect(m_copy, &QPushButton::clicked, this, [this, link]() {
            QApplication::clipboard()->setText(link);
            m_copy->setText(QApplication::translate("DkCloud", "Link Copied"));
        });
        m_close->show();
        m_close->setDefault(true);
    }

    QLabel*       m_text    = nullptr;
    QProgressBar* m_bar     = nullptr;
    QPushButton*  m_details = nullptr;
    QPushButton*  m_stop    = nullptr;
    QPushButton*  m_copy    = nullptr;
    QPushButton*  m_close   = nullptr;

protected:
    void closeEvent(QCloseEvent* event) override
    {
        if (m_finished)
            event->accept();
        else
            event->ignore();
    }

private:
    QPushButton* addButton(QHBoxLayout* row, const QString& name, const QString& text)
    {
        auto* button = new QPushButton(text, this);
        button->setObjectName(name);
        row->addWidget(button);
        return button;
    }

    QString m_service;
    bool    m_finished = false;
};

// Bottom right of the screen `near` is on, like a notification.
void placeNear(QWidget* window, QWidget* near)
{
    window->adjustSize();
    QScreen* screen = near ? near->screen() : QGuiApplication::primaryScreen();
    if (!screen)
        return;
    const QRect area = screen->availableGeometry();
    window->move(area.right() - window->width() - 24, area.bottom() - window->height() - 48);
}

} // namespace

ProgressWindow::ProgressWindow(const QString& serviceName, QWidget* near)
{
    auto* panel = new ProgressPanel(serviceName);
    m_window    = panel;
    QObject::connect(panel->m_details, &QPushButton::clicked, panel, [this]() {
        if (onShow)
            onShow();
    });
    QObject::connect(panel->m_stop, &QPushButton::clicked, panel, [this, panel]() {
        panel->m_text->setText(QApplication::translate("DkCloud", "Stopping the upload..."));
        panel->m_stop->setEnabled(false);
        if (onStop)
            onStop();
    });
    placeNear(panel, near);
    panel->show();
}

ProgressWindow::~ProgressWindow()
{
    if (!m_window)
        return;
    if (!m_finished)
    {
        delete m_window.data();
        return;
    }
    // The finished note outlives this object: nothing may call back into it.
    auto* panel = static_cast<ProgressPanel*>(m_window.data());
    QObject::disconnect(panel->m_details, nullptr, panel, nullptr);
    QObject::disconnect(panel->m_stop, nullptr, panel, nullptr);
}

void ProgressWindow::update(int permille, const QString& text)
{
    if (auto* panel = static_cast<ProgressPanel*>(m_window.data()))
    {
        panel->m_bar->setValue(permille);
        panel->m_text->setText(text.toHtmlEscaped());
    }
}

void ProgressWindow::finish(const QString& summaryHtml, bool complete, const QString& link)
{
    m_finished = true;
    if (auto* panel = static_cast<ProgressPanel*>(m_window.data()))
        panel->showFinished(summaryHtml, complete, link);
}

QWidget* ProgressWindow::showFinished(const QString& serviceName, const QString& summaryHtml, bool complete,
                                      const QString& link, QWidget* near)
{
    auto* panel = new ProgressPanel(serviceName);
    panel->showFinished(summaryHtml, complete, link);
    placeNear(panel, near);
    panel->show();
    return panel;
}

} // namespace DkCloud
