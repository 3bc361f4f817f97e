// Reads and writes one group of a KDE rc file (digikamrc, showfotorc) without
// KConfig: only the lines of that group are touched, every other line is kept
// byte for byte, so digiKam's own settings survive. (QSettings would rewrite
// the whole file in its own dialect.)
#pragma once

#include <QMap>
#include <QString>

namespace DkCloud
{

class RcFile
{
public:
    explicit RcFile(const QString& path);

    QString path() const { return m_path; }

    QMap<QString, QString> readGroup(const QString& group) const;
    // Replaces the group's keys given here, keeps its other keys; creates the
    // file and the group when missing. Returns false when it cannot write.
    bool writeGroup(const QString& group, const QMap<QString, QString>& values) const;

private:
    QString m_path;
};

} // namespace DkCloud
