// "App Registration...": registering an app of one's own with the service,
// step by step (as `dkcloud setup` does on the command line): the portal page
// opened in the browser, the exact values to enter, each with a Copy button,
// the id's form checked as it is typed, and a test that saves the id and asks
// the service whether it knows the app (off the GUI thread). Says so when
// this build has a registration built in, which makes all this optional.
// DKCLOUD_* variables that override a field are shown, the field locked.
#pragma once

#include "engine.h"
#include "exportsettings.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;
class QGridLayout;

namespace DkCloud
{

class RegistrationAssistant : public QDialog
{
    Q_OBJECT

public:
    RegistrationAssistant(ServiceId id, const ExportSettings& settings, QWidget* parent = nullptr);

    // The id and tenant typed (fields set by the environment are left alone).
    void apply(ExportSettings& settings) const;

    // For tests: the fields, the test and its result. The copy buttons are
    // named copy<What>Button (AccountTypes, Platform, RedirectUri,
    // Permissions), the portal's openPortalButton.
    QLineEdit*   clientIdEdit() const { return m_clientId; }
    QLineEdit*   tenantEdit() const { return m_tenant; }
    QLabel*      formatLabel() const { return m_format; }
    QPushButton* testButton() const { return m_test; }
    QPushButton* saveButton() const { return m_save; }
    QLabel*      resultLabel() const { return m_result; }
    const ffi::SetupInfo& setup() const { return m_setup; }

Q_SIGNALS:
    // Test was clicked: the window saves the typed registration (apply()) and uses it.
    void saveRequested();
    // The service answered the test: `known`, and what the assistant shows.
    void checked(bool known, const QString& text);

private:
    void addIntro(QLayout* layout);
    QGridLayout* stepsFor(ServiceId id);
    void addValue(QGridLayout* grid, const QString& label, const QString& value, const QString& name);
    void addText(QGridLayout* grid, const QString& text);
    void openPortal();
    void checkFormat();
    void runTest();

    ServiceId      m_service;
    ffi::SetupInfo m_setup;
    QLineEdit*     m_clientId = nullptr;
    QLineEdit*     m_tenant   = nullptr;
    QLabel*        m_format   = nullptr;
    QPushButton*   m_test     = nullptr;
    QPushButton*   m_save     = nullptr;
    QLabel*        m_result   = nullptr;
    bool           m_testing  = false;
};

} // namespace DkCloud
