// The settings of an "Upload to ..." tool in BQM's tool settings view:
// account (with a browser login through the engine), remote folder (list,
// reload, new folder), the subfolder pattern, what to do on a name conflict,
// and whether the queue also keeps its processed file. The session, sign-in
// and folders go through its Talker (cpp/core); this widget shows what came of them.
#pragma once

#include "bqmsettings.h"
#include "engine.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace DkCloud
{

class Talker;

class UploadSettingsWidget : public QWidget
{
    Q_OBJECT

public:
    explicit UploadSettingsWidget(ServiceId service, QWidget* parent = nullptr);
    ~UploadSettingsWidget() override;

    BqmSettings settings() const;
    // Shows `settings` without signalling a change.
    void setSettings(const BqmSettings& settings);

    QComboBox*   accountCombo() const { return m_account; }
    QPushButton* loginButton() const { return m_login; }
    QComboBox*   folderCombo() const { return m_folder; }
    QLabel*      statusLabel() const { return m_status; }

public Q_SLOTS:
    void logIn();
    void reloadFolders();
    // Creates `name` below the current folder and chooses it.
    void createFolder(const QString& name);

Q_SIGNALS:
    void settingsChanged();
    void accountChanged(const QString& account);
    void foldersListed(int count);
    void failed(const QString& message);

private:
    void connectTalker();
    void openSession();
    void askNewFolder();
    void askForPastedCode();
    void loggedIn(const QString& account);
    void showError(const QString& what, const EngineFailure& failure);

    ServiceId    m_service;
    Talker*      m_talker;
    bool         m_assigning = false;
    QComboBox*   m_account;
    QPushButton* m_login;
    QComboBox*   m_folder;
    QPushButton* m_reload;
    QPushButton* m_newFolder;
    QLineEdit*   m_pattern;
    QComboBox*   m_conflict;
    QCheckBox*   m_keepOutput;
    QLabel*      m_status;
};

} // namespace DkCloud
