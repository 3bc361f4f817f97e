// Our own declaration of Digikam::DPluginAuthor as digiKam 7.9.0 lays it out:
// four strings, no virtual functions. The destructor is left implicit so that
// the plugin does not import it (digiKam 8 no longer exports one).
#pragma once

#include <QString>
#include <QtGlobal>

namespace Digikam
{

class DPluginAuthor
{
public:
    DPluginAuthor(const QString& name, const QString& email, const QString& years);
    DPluginAuthor(const QString& name, const QString& email, const QString& years, const QString& roles);

    QString name;
    QString email;
    QString years;
    QString roles;
};

} // namespace Digikam

Q_DECLARE_TYPEINFO(Digikam::DPluginAuthor, Q_MOVABLE_TYPE);
