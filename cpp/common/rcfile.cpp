#include "rcfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStringList>

namespace DkCloud
{

namespace
{

QStringList readLines(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

bool isGroupHeader(const QString& line)
{
    return line.startsWith(QLatin1Char('[')) && line.trimmed().endsWith(QLatin1Char(']'));
}

QString headerFor(const QString& group)
{
    return QLatin1Char('[') + group + QLatin1Char(']');
}

// KConfig keys may carry flags such as "Key[$e]"; compare the bare key.
QString bareKey(const QString& key)
{
    const int bracket = key.indexOf(QLatin1Char('['));
    return (bracket < 0 ? key : key.left(bracket)).trimmed();
}

} // namespace

RcFile::RcFile(const QString& path)
    : m_path(path)
{
}

QMap<QString, QString> RcFile::readGroup(const QString& group) const
{
    QMap<QString, QString> values;
    bool inGroup = false;
    for (const QString& line : readLines(m_path))
    {
        if (isGroupHeader(line))
        {
            inGroup = line.trimmed() == headerFor(group);
            continue;
        }
        const int eq = line.indexOf(QLatin1Char('='));
        if (!inGroup || eq <= 0 || line.startsWith(QLatin1Char('#')))
            continue;
        values.insert(bareKey(line.left(eq)), line.mid(eq + 1).trimmed());
    }
    return values;
}

bool RcFile::writeGroup(const QString& group, const QMap<QString, QString>& values) const
{
    const QStringList lines = readLines(m_path);
    QStringList out;
    QMap<QString, QString> pending = values;
    bool inGroup = false;
    bool sawGroup = false;

    auto flushPending = [&]() {
        for (auto it = pending.cbegin(); it != pending.cend(); ++it)
            out << it.key() + QLatin1Char('=') + it.value();
        pending.clear();
    };

    for (const QString& line : lines)
    {
        if (isGroupHeader(line))
        {
            if (inGroup)
            {
                // Keep a blank line between groups, as KConfig writes them.
                const bool blankBefore = !out.isEmpty() && out.last().isEmpty();
                if (blankBefore)
                    out.removeLast();
                flushPending();
                if (blankBefore)
                    out << QString();
            }
            inGroup = line.trimmed() == headerFor(group);
            sawGroup = sawGroup || inGroup;
            out << line;
            continue;
        }
        const int eq = line.indexOf(QLatin1Char('='));
        if (inGroup && eq > 0 && pending.contains(bareKey(line.left(eq))))
        {
            const QString key = bareKey(line.left(eq));
            out << key + QLatin1Char('=') + pending.take(key);
            continue;
        }
        out << line;
    }
    if (inGroup)
        flushPending();
    if (!sawGroup)
    {
        if (!out.isEmpty() && !out.last().isEmpty())
            out << QString();
        out << headerFor(group);
        flushPending();
    }

    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(out.join(QLatin1Char('\n')).toUtf8() + '\n');
    return file.commit();
}

} // namespace DkCloud
