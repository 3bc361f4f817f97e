#include "exportwidget.h"

#include "imagelist.h"
#include "service.h"

#include <KLocalizedString>

#include <QDesktopServices>
#include <QStandardPaths>
#include <QUrl>
#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace DkCloud
{

ExportWidget::ExportWidget(QWidget* parent)
    : QWidget(parent)
{
    // Created in tab order: the list, Account, Album, Options.
    QLayout* left       = buildPhotoList();
    QWidget* accountBox = buildAccountBox();
    QWidget* albumBox   = buildAlbumBox();
    QWidget* optionsBox = buildOptionsBox();

    m_notice = new QLabel(this);
    m_notice->setObjectName(QStringLiteral("clashNotice"));
    m_notice->setWordWrap(true);
    m_notice->setStyleSheet(QStringLiteral("QLabel { color: #9a5b00; }"));
    m_notice->hide();

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("statusLabel"));
    m_status->setWordWrap(true);
    // Selectable, and its links open with the mouse (the sign-in page when no
    // browser could be started); it takes no keyboard focus.
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    m_status->setOpenExternalLinks(true);

    // A long status (a refusal with the service's words) takes the room
    // below the boxes, never the boxes' own.
    for (QWidget* box : {accountBox, albumBox, optionsBox})
        box->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    auto* right = new QVBoxLayout;
    right->addWidget(buildResumeBar());
    right->addWidget(accountBox);
    right->addWidget(albumBox);
    right->addWidget(optionsBox);
    right->addWidget(m_notice);
    right->addWidget(m_status);
    right->addStretch();

    auto* panes = new QHBoxLayout;
    panes->addLayout(left, 3);
    panes->addLayout(right, 2);

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("summaryLabel"));
    m_summary->setOpenExternalLinks(true);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);

    // The summary gets a line of its own: it may wrap without being cut off.
    // The window's layout gives the margins.
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(panes, 1);
    layout->addLayout(buildProgressRow());
    layout->addWidget(m_summary);
    layout->addLayout(buildButtons());
    connectOptions();
}

QLayout* ExportWidget::buildPhotoList()
{
    m_list      = new ImageList(this);
    m_addPhotos = new QPushButton(QIcon::fromTheme(QStringLiteral("list-add")), i18nc("@action:button export window", "+ Photos"), this);
    m_addPhotos->setObjectName(QStringLiteral("addPhotosButton"));
    m_addPhotos->setToolTip(i18nc("@info:tooltip export window", "Add photos from disk"));
    auto* remove = new QPushButton(QIcon::fromTheme(QStringLiteral("list-remove")), QStringLiteral("\u2212"), this);
    remove->setObjectName(QStringLiteral("removePhotosButton"));
    remove->setToolTip(i18nc("@info:tooltip export window", "Remove the selected photos from the list"));
    connect(remove, &QPushButton::clicked, this, [this]() {
        m_list->removeSelected();
        Q_EMIT choicesChanged();
    });
    auto* listButtons = new QHBoxLayout;
    listButtons->addStretch();
    listButtons->addWidget(m_addPhotos);
    listButtons->addWidget(remove);
    listButtons->addStretch();
    auto* left = new QVBoxLayout;
    left->addWidget(m_list, 1);
    left->addLayout(listButtons);
    return left;
}

QWidget* ExportWidget::buildAccountBox()
{
    auto* box     = new QGroupBox(i18nc("@title:group export window", "Account"), this);
    m_accountName = new QLabel(i18nc("@info export window", "not logged in"), box);
    m_accountName->setObjectName(QStringLiteral("accountName"));
    m_accounts = new QComboBox(box);
    m_accounts->setObjectName(QStringLiteral("accountCombo"));
    m_accounts->setToolTip(i18nc("@info:tooltip export window", "Accounts you logged in with before"));
    m_login = new QPushButton(i18nc("@action:button export window", "&Log in"), box);
    m_login->setObjectName(QStringLiteral("loginButton"));
    m_logout = new QPushButton(i18nc("@action:button export window", "Log &out"), box);
    m_logout->setObjectName(QStringLiteral("logoutButton"));
    m_logout->setToolTip(i18nc("@info:tooltip export window", "Forget this account: its login is deleted from this computer"));
    m_registration = new QPushButton(QIcon::fromTheme(QStringLiteral("configure")), i18nc("@action:button export window", "App Registration..."), box);
    m_registration->setObjectName(QStringLiteral("registrationButton"));
    auto* form = new QFormLayout;
    form->addRow(i18nc("@label export window", "Name:"), m_accountName);
    form->addRow(i18nc("@label export window", "Accounts:"), m_accounts);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_login, 1);
    buttons->addWidget(m_logout);
    buttons->addWidget(m_registration);
    auto* layout = new QVBoxLayout(box);
    layout->addLayout(form);
    layout->addLayout(buttons);
    return box;
}

QWidget* ExportWidget::buildAlbumBox()
{
    auto* box = new QGroupBox(i18nc("@title:group export window", "Album"), this);
    m_folders = new QComboBox(box);
    m_folders->setObjectName(QStringLiteral("folderCombo"));
    m_folders->setEditable(true);
    m_folders->setInsertPolicy(QComboBox::NoInsert);
    m_newFolder = new QPushButton(i18nc("@action:button export window", "&New Album"), box);
    m_newFolder->setObjectName(QStringLiteral("newAlbumButton"));
    m_reload = new QPushButton(i18nc("@action:button export window", "&Reload"), box);
    m_reload->setObjectName(QStringLiteral("reloadButton"));
    m_share = new QPushButton(QIcon::fromTheme(QStringLiteral("emblem-shared")), i18nc("@action:button export window", "S&hare Link"), box);
    m_share->setObjectName(QStringLiteral("shareButton"));
    m_share->setToolTip(i18nc("@info:tooltip export window", "Make a link to this album that anyone can open, and copy it"));
    auto* form = new QFormLayout;
    form->addRow(i18nc("@label export window", "Album:"), m_folders);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_share);
    buttons->addWidget(m_newFolder);
    buttons->addWidget(m_reload);
    auto* layout = new QVBoxLayout(box);
    layout->addLayout(form);
    layout->addLayout(buttons);
    return box;
}

QWidget* ExportWidget::buildResumeBar()
{
    auto* bar = new QFrame(this);
    bar->setObjectName(QStringLiteral("resumeBar"));
    bar->setFrameShape(QFrame::StyledPanel);
    m_resumeText = new QLabel(bar);
    m_resumeText->setObjectName(QStringLiteral("resumeText"));
    m_resumeText->setWordWrap(true);
    m_resume = new QPushButton(i18nc("@action:button export window", "Res&ume"), bar);
    m_resume->setObjectName(QStringLiteral("resumeButton"));
    m_resume->setToolTip(i18nc("@info:tooltip export window", "Send what is left; photos already stored are not sent again"));
    m_discard = new QPushButton(i18nc("@action:button export window", "&Discard"), bar);
    m_discard->setObjectName(QStringLiteral("discardButton"));
    m_discard->setToolTip(i18nc("@info:tooltip export window", "Forget this upload; photos already stored stay"));
    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_resume);
    buttons->addWidget(m_discard);
    auto* layout = new QVBoxLayout(bar);
    layout->addWidget(m_resumeText);
    layout->addLayout(buttons);
    m_resumeBar = bar;
    bar->hide();
    return bar;
}

QWidget* ExportWidget::buildOptionsBox()
{
    auto* box  = new QGroupBox(i18nc("@title:group export window", "Options"), this);
    m_original = new QCheckBox(i18nc("@option:check export window", "Upload original image file"), box);
    m_original->setObjectName(QStringLiteral("originalCheck"));
    m_resize = new QCheckBox(i18nc("@option:check export window", "Resize photos before uploading"), box);
    m_resize->setObjectName(QStringLiteral("resizeCheck"));
    m_quality = new QSpinBox(box);
    m_quality->setObjectName(QStringLiteral("qualitySpin"));
    m_quality->setRange(1, 100);
    m_quality->setValue(90);
    m_dimension = new QSpinBox(box);
    m_dimension->setObjectName(QStringLiteral("dimensionSpin"));
    m_dimension->setRange(16, 20000);
    m_dimension->setSingleStep(100);
    m_dimension->setValue(1600);
    m_dimension->setSuffix(i18nc("@label:spinbox export window", " px"));
    auto* resizeForm = new QFormLayout;
    resizeForm->addRow(i18nc("@label export window", "JPEG Quality:"), m_quality);
    resizeForm->addRow(i18nc("@label export window", "Maximum Dimension:"), m_dimension);
    resizeForm->setContentsMargins(24, 0, 0, 0);
    buildConflictCombo(box);
    auto* conflictForm = new QFormLayout;
    conflictForm->addRow(i18nc("@label export window", "If a photo is already there:"), m_conflict);
    m_limit = new QCheckBox(i18nc("@option:check export window", "Limit upload speed to:"), box);
    m_limit->setObjectName(QStringLiteral("limitCheck"));
    m_limit->setToolTip(i18nc("@info:tooltip export window", "One limit for all of dkcloud's uploads from this program, to both services "
        "at once, so the connection stays usable for everything else. It also applies to uploads already running."));
    m_limitRate = new QSpinBox(box);
    m_limitRate->setObjectName(QStringLiteral("limitSpin"));
    m_limitRate->setRange(16, ExportSettings::maxUploadLimit);
    m_limitRate->setSingleStep(128);
    m_limitRate->setValue(1024);
    m_limitRate->setSuffix(i18nc("@label:spinbox upload speed, kibibytes per second", " KiB/s"));
    m_limitRate->setEnabled(false);
    auto* limitRow = new QHBoxLayout;
    limitRow->addWidget(m_limit);
    limitRow->addWidget(m_limitRate);
    limitRow->addStretch(1);
    auto* layout = new QVBoxLayout(box);
    layout->addWidget(m_original);
    layout->addWidget(m_resize);
    layout->addLayout(resizeForm);
    layout->addLayout(conflictForm);
    layout->addLayout(limitRow);
    return box;
}

QStringList exportWindowIconNames()
{
    return {QStringLiteral("configure"), QStringLiteral("emblem-shared"), QStringLiteral("folder"), QStringLiteral("folder-new"),
            QStringLiteral("help-about"), QStringLiteral("help-contents"), QStringLiteral("image-x-generic"), QStringLiteral("list-add"),
            QStringLiteral("list-remove"), QStringLiteral("network-workgroup"), QStringLiteral("window-close"),
            QStringLiteral("network-connect"), QStringLiteral("internet-services"), QStringLiteral("edit-copy")};
}

int ExportWidget::uploadLimit() const
{
    return m_limit->isChecked() ? m_limitRate->value() : 0;
}

void ExportWidget::buildConflictCombo(QWidget* parent)
{
    // A different photo of the same name in the album (an edited one, say).
    // Identical photos are never sent again, whatever is chosen here.
    m_conflict = new QComboBox(parent);
    m_conflict->setObjectName(QStringLiteral("conflictCombo"));
    // Its longest choice must not widen the whole column (the list needs the room).
    m_conflict->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_conflict->setMinimumContentsLength(18);
    m_conflict->addItem(i18nc("@item:inlistbox export window", "Replace it with this photo"), QStringLiteral("replace"));
    m_conflict->addItem(i18nc("@item:inlistbox export window", "Keep both (store this one under a new name)"), QStringLiteral("rename"));
    m_conflict->addItem(i18nc("@item:inlistbox export window", "Skip this photo"), QStringLiteral("skip"));
    m_conflict->setToolTip(i18nc("@info:tooltip export window", "When the album already has a different file of the same name, e.g. after you edited "
        "a photo. Identical photos are recognised by their hash and never sent twice."));
}

QLayout* ExportWidget::buildProgressRow()
{
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("totalProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setTextVisible(true);
    m_progress->setFormat(QStringLiteral("%p%"));
    m_rate = new QLabel(this);
    m_rate->setObjectName(QStringLiteral("rateLabel"));
    auto* row = new QHBoxLayout;
    row->addWidget(m_progress, 1);
    row->addWidget(m_rate);
    return row;
}

QLayout* ExportWidget::buildButtons()
{
    m_start = new QPushButton(QIcon::fromTheme(QStringLiteral("network-workgroup")), i18nc("@action:button export window", "&Start Upload"), this);
    m_start->setObjectName(QStringLiteral("startButton"));
    m_start->setDefault(true);
    m_close = new QPushButton(QIcon::fromTheme(QStringLiteral("window-close")), i18nc("@action:button export window", "&Close"), this);
    m_close->setObjectName(QStringLiteral("closeButton"));
    auto* about = new QPushButton(QIcon::fromTheme(QStringLiteral("help-about")), i18nc("@action:button export window", "About..."), this);
    about->setObjectName(QStringLiteral("aboutButton"));
    connect(about, &QPushButton::clicked, this, &ExportWidget::showAbout);
    auto* help = new QPushButton(QIcon::fromTheme(QStringLiteral("help-contents")), i18nc("@action:button export window", "&Help"), this);
    help->setObjectName(QStringLiteral("helpButton"));
    help->setToolTip(i18nc("@info:tooltip export window", "Open dkcloud's handbook in the web browser"));
    connect(help, &QPushButton::clicked, this, &ExportWidget::showHandbook);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(help);
    buttons->addStretch(1);
    buttons->addWidget(m_start);
    buttons->addWidget(m_close);
    buttons->addWidget(about);
    return buttons;
}

void ExportWidget::connectOptions()
{
    connect(m_folders, &QComboBox::currentTextChanged, this, &ExportWidget::choicesChanged);
    connect(m_conflict, QOverload<int>::of(&QComboBox::currentIndexChanged), this, &ExportWidget::choicesChanged);
    connect(m_quality, QOverload<int>::of(&QSpinBox::valueChanged), this, &ExportWidget::choicesChanged);
    connect(m_dimension, QOverload<int>::of(&QSpinBox::valueChanged), this, &ExportWidget::choicesChanged);
    connect(m_resize, &QCheckBox::toggled, this, &ExportWidget::choicesChanged);
    // The original file or a resized copy: one excludes the other.
    connect(m_original, &QCheckBox::toggled, this, [this](bool on) {
        if (on)
            m_resize->setChecked(false);
        Q_EMIT choicesChanged();
    });
    connect(m_resize, &QCheckBox::toggled, this, [this](bool on) {
        if (on)
            m_original->setChecked(false);
    });
    connect(m_limit, &QCheckBox::toggled, m_limitRate, &QWidget::setEnabled);
    connect(m_limit, &QCheckBox::toggled, this, [this]() { Q_EMIT uploadLimitChanged(uploadLimit()); });
    connect(m_limitRate, QOverload<int>::of(&QSpinBox::valueChanged), this, [this]() {
        if (m_limit->isChecked())
            Q_EMIT uploadLimitChanged(uploadLimit());
    });
}

// The handbook installed with the plugin (<data dir>/dkcloud/help/handbook.html),
// as digiKam's exporters open their handbook section.
void ExportWidget::showHandbook()
{
    const QString page = QStandardPaths::locate(QStandardPaths::GenericDataLocation, QStringLiteral("dkcloud/help/handbook.html"));
    if (page.isEmpty() || !QDesktopServices::openUrl(QUrl::fromLocalFile(page)))
        QMessageBox::information(this, i18nc("@title:window export window", "dkcloud Handbook"),
                                 page.isEmpty() ? i18nc("@info export window", "The handbook is not installed: dkcloud/help/handbook.html "
                                                        "is in none of the data folders.")
                                                : i18nc("@info export window", "No web browser could be started to open the handbook: %1", page));
}

void ExportWidget::showAbout()
{
    QMessageBox::about(this, i18nc("@title:window export window", "About dkcloud"),
                       i18nc("@info export window", "<p><b>dkcloud %1</b> exports photos from digiKam to OneDrive and Dropbox.</p>"
        "<p>Sign in once in your browser; uploads are resumable, run several at a "
        "time and are checked against the service's hash.</p>"
        "<p>License: GPL-2.0-or-later</p>", dkcloudVersion()));
}

void ExportWidget::showSettings(const ExportSettings& settings)
{
    m_resize->setChecked(settings.resize);
    m_quality->setValue(settings.jpegQuality);
    m_dimension->setValue(settings.maxDimension);
    m_original->setChecked(settings.uploadOriginal && !settings.resize);
    m_conflict->setCurrentIndex(qMax(0, m_conflict->findData(settings.conflict)));
    if (settings.uploadLimit > 0)
        m_limitRate->setValue(settings.uploadLimit);
    m_limit->setChecked(settings.uploadLimit > 0);
    m_folders->addItem(settings.folder);
}

void ExportWidget::readSettings(ExportSettings& settings) const
{
    settings.resize         = m_resize->isChecked();
    settings.jpegQuality    = m_quality->value();
    settings.maxDimension   = m_dimension->value();
    settings.uploadOriginal = m_original->isChecked();
    settings.conflict       = m_conflict->currentData().toString();
    settings.uploadLimit    = uploadLimit();
    const QString folder    = m_folders->currentText().trimmed();
    if (!folder.isEmpty())
        settings.folder = folder;
}

} // namespace DkCloud
