// The first start beside digiKam's own OneDrive/Dropbox exporters: which of
// them hold dkcloud's shortcuts, and what each answer to "take over or keep
// both?" does to the host's configuration and its actions. No widgets here
// (the question is cpp/dialog/takeoverquestion.h).
#pragma once

#include "service.h"

#include <QKeySequence>
#include <QList>
#include <QMetaType>
#include <QString>

class QAction;
class QObject;

namespace DkCloud
{

enum class TakeoverAnswer
{
    None,     // not asked yet (or the host's config lost it)
    TakeOver, // the built-ins are switched off in the host's plugin settings
    KeepBoth, // both stay; dkcloud's shortcuts moved to free keys
};

// The answer remembered in the host's config ([dkcloud] Built-in Exporters).
TakeoverAnswer rememberedTakeoverAnswer();
void rememberTakeoverAnswer(TakeoverAnswer answer);

// The shortcut dkcloud's action for a service uses in this host: a moved one
// (Keep Both) or the service's own.
QKeySequence effectiveShortcut(ServiceId id);

// dkcloud's action for a service among the host window's children, if any.
QAction* ownAction(ServiceId id, const QObject* hostWindow);

// The services whose built-in exporter action is in the host and holds the
// key dkcloud's action is meant to have (KDE would call it ambiguous).
QList<ServiceId> clashingServices(const QObject* hostWindow);
QList<ServiceId> clashingServices(const QList<QObject*>& hostWindows);

// Whether dkcloud's action for a service starts without its key: digiKam's
// own exporter for it was loaded in this session (`builtinLoaded`: enabled in
// the host's config when the host started, see builtinEnabledInConfig) and
// ours would have the same key (not moved by Keep Both). KDE's main window
// checks every key when it builds its menus, right after the plugins are set
// up, and shows "Ambiguous Shortcuts" for each clash; the key comes after:
// with the answer, or at once when Take Over was answered before (then the
// built-in, enabled again since, loses it: giveKeysToDkcloud).
bool holdBackShortcut(ServiceId id, bool builtinLoaded);

// Ask only once per host, and only when something clashes.
bool takeoverQuestionDue(const QObject* hostWindow);

// The host's windows the plugin was set up for (digiKam: its main window, the
// image editor, the light table...): each has its own actions.
using HostWindows = QList<QObject*>;

// Take Over: false for the built-ins' keys in [EnabledDPlugins] through the
// host's own KSharedConfig (written now, so the host's own save on exit keeps
// it), and in every host window the built-in actions lose the keys, ours get them.
void takeOver(const QList<ServiceId>& services, const HostWindows& hosts);

// The session part of Take Over: the built-ins' actions lose the keys, ours get them.
void giveKeysToDkcloud(const QList<ServiceId>& services, const HostWindows& hosts);

// Whether any action of the host (its main window's, its other windows')
// has this key combination.
bool shortcutTaken(const QKeySequence& keys, const QObject* hostWindow);

// Key combinations for dkcloud's actions of these services that no action of
// the host uses, in the order of `services`: the first free one of each
// service's candidates (an empty one when none is free).
QList<QKeySequence> proposedShortcuts(const QList<ServiceId>& services, const QObject* hostWindow);

// Keep Both: dkcloud's actions for these services (in every host window) get
// the given shortcuts now, remembered in the host's config for the next starts.
void keepBoth(const QList<ServiceId>& services, const QList<QKeySequence>& shortcuts, const HostWindows& hosts);

// "digiKam" or "Showfoto": who the question speaks of.
QString hostDisplayName();

} // namespace DkCloud

Q_DECLARE_METATYPE(DkCloud::TakeoverAnswer)
