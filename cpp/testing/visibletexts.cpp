#include "visibletexts.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QFile>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QTextDocumentFragment>
#include <QTreeWidget>
#include <QWidget>

namespace DkCloud::Testing
{

namespace
{

void add(QStringList& texts, const QString& text)
{
    if (!text.trimmed().isEmpty())
        texts << text;
}

// One PO string: the concatenated "..." pieces, C escapes undone.
QString unquote(const QString& pieces)
{
    QString out;
    static const QRegularExpression piece(QStringLiteral("\"((?:[^\"\\\\]|\\\\.)*)\""));
    for (auto it = piece.globalMatch(pieces); it.hasNext();)
    {
        const QString raw = it.next().captured(1);
        for (int i = 0; i < raw.size(); ++i)
        {
            if (raw.at(i) == QLatin1Char('\\') && i + 1 < raw.size())
            {
                const QChar c = raw.at(++i);
                out += c == QLatin1Char('n') ? QStringLiteral("\n") : c == QLatin1Char('t') ? QStringLiteral("\t") : QString(c);
            }
            else
            {
                out += raw.at(i);
            }
        }
    }
    return out;
}

// "Export to %1" -> ^Export to .+$ (accelerator marks already taken out).
QRegularExpression sourcePattern(const QString& msgid)
{
    QString pattern;
    static const QRegularExpression placeholder(QStringLiteral("%\\d+"));
    int at = 0;
    for (auto it = placeholder.globalMatch(msgid); it.hasNext();)
    {
        const auto m = it.next();
        pattern += QRegularExpression::escape(msgid.mid(at, m.capturedStart() - at)) + QStringLiteral(".+");
        at = m.capturedEnd();
    }
    pattern += QRegularExpression::escape(msgid.mid(at));
    return QRegularExpression(QLatin1Char('^') + pattern + QLatin1Char('$'), QRegularExpression::DotMatchesEverythingOption);
}

} // namespace

QStringList visibleTexts(QWidget* window)
{
    QStringList texts;
    add(texts, window->windowTitle());
    for (QWidget* w : window->findChildren<QWidget*>())
    {
        if (!w->isVisible())
            continue;
        add(texts, w->toolTip());
        if (auto* label = qobject_cast<QLabel*>(w))
            add(texts, label->textFormat() == Qt::PlainText ? label->text() : QTextDocumentFragment::fromHtml(label->text()).toPlainText());
        else if (auto* button = qobject_cast<QAbstractButton*>(w))
            add(texts, button->text());
        else if (auto* group = qobject_cast<QGroupBox*>(w))
            add(texts, group->title());
        else if (auto* combo = qobject_cast<QComboBox*>(w))
            for (int i = 0; i < combo->count(); ++i)
                add(texts, combo->itemText(i));
        else if (auto* edit = qobject_cast<QLineEdit*>(w))
            add(texts, edit->placeholderText());
        else if (auto* tree = qobject_cast<QTreeWidget*>(w))
            for (int i = 0; i < tree->columnCount(); ++i)
                add(texts, tree->headerItem()->text(i));
    }
    return texts;
}

QStringList untranslatedTexts(const QStringList& texts, const QString& poPath)
{
    QFile file(poPath);
    if (!file.open(QIODevice::ReadOnly))
        return {QStringLiteral("catalogue: cannot read %1").arg(poPath)};
    const QString po = QString::fromUtf8(file.readAll());
    // Entries are separated by blank lines; only singular ones are compared
    // (a plural's source never shows on its own).
    static const QRegularExpression entry(QStringLiteral("^msgid ((?:\"[^\\n]*\"\\n)+)msgstr ((?:\"[^\\n]*\"\\n?)+)"),
                                          QRegularExpression::MultilineOption);
    QList<QRegularExpression> sources;
    for (auto it = entry.globalMatch(po); it.hasNext();)
    {
        const auto m        = it.next();
        const QString msgid = unquote(m.captured(1)).remove(QLatin1Char('&'));
        // Too few letters of its own ("%1: %2", " and ") and it would match anything.
        static const QRegularExpression letters(QStringLiteral("[^A-Za-z]|%\\d+"));
        if (QString(msgid).remove(letters).size() >= 4 && unquote(m.captured(2)).remove(QLatin1Char('&')) != msgid)
            sources << sourcePattern(msgid);
    }
    if (sources.isEmpty())
        return {QStringLiteral("catalogue: no translated entry in %1").arg(poPath)};
    QStringList found;
    for (const QString& text : texts)
    {
        const QString plain = QString(text).remove(QLatin1Char('&'));
        for (const QRegularExpression& source : sources)
        {
            if (source.match(plain).hasMatch())
            {
                found << text;
                break;
            }
        }
    }
    return found;
}

} // namespace DkCloud::Testing
