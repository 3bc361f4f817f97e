// The export window's widgets and their layout, as in digiKam's own
// web-service exporters: the photo list with + Photos / − on the left;
// Account, Album and Options on the right; progress, summary, Start Upload,
// Close and About at the bottom. It knows no engine and no flow: the window
// connects to its buttons and fills its labels.
#pragma once

#include "exportsettings.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace DkCloud
{

class ImageList;

// The theme icons the export window shows (its buttons, folders, the list's
// placeholder; the service's icon is serviceIcon()), for a warm-up before it
// first opens.
QStringList exportWindowIconNames();

class ExportWidget : public QWidget
{
    Q_OBJECT

public:
    explicit ExportWidget(QWidget* parent = nullptr);

    // The options as the settings hold them, and back.
    void showSettings(const ExportSettings& settings);
    void readSettings(ExportSettings& settings) const;

    ImageList*    imageList() const { return m_list; }
    QPushButton*  addPhotosButton() const { return m_addPhotos; }
    QLabel*       accountName() const { return m_accountName; }
    QComboBox*    accountCombo() const { return m_accounts; }
    QPushButton*  loginButton() const { return m_login; }
    QPushButton*  logoutButton() const { return m_logout; }
    QPushButton*  registrationButton() const { return m_registration; }
    QComboBox*    folderCombo() const { return m_folders; }
    QPushButton*  newAlbumButton() const { return m_newFolder; }
    QPushButton*  reloadButton() const { return m_reload; }
    // "Share Link": its menu offers a view link, an edit link, a view link for a week.
    QPushButton*  shareButton() const { return m_share; }
    // An earlier upload that did not finish: what it was, Resume and Discard.
    QWidget*      resumeBar() const { return m_resumeBar; }
    QLabel*       resumeText() const { return m_resumeText; }
    QPushButton*  resumeButton() const { return m_resume; }
    QPushButton*  discardButton() const { return m_discard; }
    QCheckBox*    originalCheck() const { return m_original; }
    QCheckBox*    resizeCheck() const { return m_resize; }
    QSpinBox*     qualitySpin() const { return m_quality; }
    QSpinBox*     dimensionSpin() const { return m_dimension; }
    QComboBox*    conflictCombo() const { return m_conflict; }
    QCheckBox*    limitCheck() const { return m_limit; }
    QSpinBox*     limitSpin() const { return m_limitRate; }
    // The upload limit the options show: KiB/s, 0 for none.
    int           uploadLimit() const;
    QLabel*       noticeLabel() const { return m_notice; }
    QLabel*       statusLabel() const { return m_status; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel*       rateLabel() const { return m_rate; }
    QLabel*       summaryLabel() const { return m_summary; }
    QPushButton*  startButton() const { return m_start; }
    QPushButton*  closeButton() const { return m_close; }

Q_SIGNALS:
    // The photos, the album or an option changed: what a new run would do.
    void choicesChanged();
    // The upload speed limit was changed (KiB/s, 0: none).
    void uploadLimitChanged(int kibPerSecond);

private:
    QLayout* buildPhotoList();
    QWidget* buildAccountBox();
    QWidget* buildAlbumBox();
    QWidget* buildResumeBar();
    QWidget* buildOptionsBox();
    void buildConflictCombo(QWidget* parent);
    QLayout* buildProgressRow();
    QLayout* buildButtons();
    void connectOptions();
    void showAbout();
    void showHandbook();

    ImageList*    m_list         = nullptr;
    QPushButton*  m_addPhotos    = nullptr;
    QLabel*       m_accountName  = nullptr;
    QComboBox*    m_accounts     = nullptr;
    QPushButton*  m_login        = nullptr;
    QPushButton*  m_logout       = nullptr;
    QPushButton*  m_registration = nullptr;
    QComboBox*    m_conflict     = nullptr;
    QComboBox*    m_folders      = nullptr;
    QPushButton*  m_newFolder    = nullptr;
    QPushButton*  m_reload       = nullptr;
    QPushButton*  m_share        = nullptr;
    QWidget*      m_resumeBar    = nullptr;
    QLabel*       m_resumeText   = nullptr;
    QPushButton*  m_resume       = nullptr;
    QPushButton*  m_discard      = nullptr;
    QCheckBox*    m_resize       = nullptr;
    QSpinBox*     m_quality      = nullptr;
    QSpinBox*     m_dimension    = nullptr;
    QCheckBox*    m_original     = nullptr;
    QCheckBox*    m_limit        = nullptr;
    QSpinBox*     m_limitRate    = nullptr;
    QLabel*       m_notice       = nullptr;
    QLabel*       m_status       = nullptr;
    QLabel*       m_summary      = nullptr;
    QProgressBar* m_progress     = nullptr;
    QLabel*       m_rate         = nullptr;
    QPushButton*  m_start        = nullptr;
    QPushButton*  m_close        = nullptr;
};

} // namespace DkCloud
