// The app registration (client id, optional secret, Microsoft tenant) in a
// small sub-dialog; shows which values DKCLOUD_* variables override.
#pragma once

#include "exportsettings.h"

#include <QDialog>

class QLineEdit;

namespace DkCloud
{

class RegistrationDialog : public QDialog
{
    Q_OBJECT

public:
    RegistrationDialog(ServiceId id, const ExportSettings& settings, QWidget* parent = nullptr);
    void apply(ExportSettings& settings) const;

private:
    QLineEdit* m_clientId = nullptr;
    QLineEdit* m_tenant   = nullptr;
};

} // namespace DkCloud
