// Test-only: what a window shows in words, and which of it is still the
// English source of a translated string (never part of the shipped plugin).
#pragma once

#include <QString>
#include <QStringList>

class QWidget;

namespace DkCloud::Testing
{

// The window title, and of every visible child: labels, buttons, check
// boxes, group titles, combo box items, list headers, line edit
// placeholders and tool tips. Empty texts are left out.
QStringList visibleTexts(QWidget* window);

// The texts that are a source string (msgid) of the catalogue PO_PATH whose
// translation differs from it, as they are or with their %1... filled in.
// A text that came out translated never matches. The catalogue's own error
// (unreadable, no entry) comes back as one line starting with "catalogue:".
QStringList untranslatedTexts(const QStringList& texts, const QString& poPath);

} // namespace DkCloud::Testing
