// Our own declaration of Digikam::BatchTool (libdigikamgui 8.6.0), one tool
// of the Batch Queue Manager: QObject, the settings widget pointer and one
// private pointer (sizeof 32), 22 virtual slots counted from metaObject() = 0.
// tests/cpp/vtable_check compares every slot with the library; the order of
// the pure ones is read from the library's own calls (apply() calls slot 18,
// slotResetSettingsToDefault() slot 15). Compared with 7.9,
// slotResetSettingsToDefault() became virtual (slot 17) and what follows moves down one.
#pragma once

#include "../abi-7.9/dkcloud_qobject_decl.h"
#include "../abi-7.9/iteminfo.h"

#include <QMap>
#include <QObject>
#include <QString>
#include <QUrl>
#include <QVariant>

class QIcon;
class QWidget;

namespace Digikam
{

class DPluginBqm;

using BatchToolSettings = QMap<QString, QVariant>;

class BatchTool : public QObject
{
    DKCLOUD_DIGIKAM_QOBJECT_MEMBERS

public:
    // Where the tool is listed in BQM's tool view ("Base", "Custom", "Colors"...).
    enum BatchToolGroup
    {
        BaseTool = 0,
        CustomTool,
        ColorTool,
        EnhanceTool,
        TransformTool,
        DecorateTool,
        FiltersTool,
        ConvertTool,
        MetadataTool
    };

    BatchTool(const QString& name, BatchToolGroup group, QObject* parent = nullptr);
    ~BatchTool() override;

    QString        errorDescription() const;
    BatchToolGroup toolGroup() const;
    QString        toolGroupToString() const;

    void    setToolTitle(const QString& title);
    QString toolTitle() const;
    void    setToolDescription(const QString& description);
    QString toolDescription() const;
    void    setToolIconName(const QString& iconName);
    void    setToolIcon(const QIcon& icon);
    QIcon   toolIcon() const;

    void              setSettings(const BatchToolSettings& settings);
    BatchToolSettings settings() const;

    void setInputUrl(const QUrl& url);
    QUrl inputUrl() const;
    void setOutputUrl(const QUrl& url);
    QUrl outputUrl() const;
    void setWorkingUrl(const QUrl& url);
    QUrl workingUrl() const;
    void setOutputUrlFromInputUrl();

    void     setItemInfo(const ItemInfo& info);
    ItemInfo imageInfo() const;

    void setLastChainedTool(bool last);
    bool isLastChainedTool() const;

    void        setPlugin(DPluginBqm* plugin);
    DPluginBqm* plugin() const;

    // Runs toolOperations() (through the table: slot 18).
    bool apply();

    // slot 12: inline in the library
    virtual int toolVersion() const { return 1; }
    // slot 13: sets the flag isCancelled() reads; an override calls it too.
    virtual void cancel();
    // slot 14: a new file extension, or empty to keep the input's.
    virtual QString outputSuffix() const;
    // slots 15-16
    virtual BatchToolSettings defaultSettings() = 0;
    virtual BatchTool*        clone(QObject* parent = nullptr) const = 0;

    // slot 17
    virtual void slotResetSettingsToDefault();

    // The virtual functions below are declared in the library's table order,
    // whatever their access.
protected:
    // slot 18: the tool's work on one queue item
    virtual bool toolOperations() = 0;
    // slot 19: the settings widget changed (a slot in the library's meta-object)
    virtual void slotSettingsChanged() = 0;

public:
    // slot 20: makes the settings widget (m_settingsWidget) and connects it
    virtual void registerSettingsWidget();

protected:
    // slot 21: show settings() in the widget (a slot in the library's meta-object)
    virtual void slotAssignSettings2Widget() = 0;

public:
    void slotSettingsChanged(const BatchToolSettings& settings);

    // Signals (the library's meta-object defines them).
    void signalSettingsChanged(const BatchToolSettings& settings);
    void signalAssignSettings2Widget();
    void signalVisible(bool visible);

    QWidget* settingsWidget() const;

protected:
    void setErrorDescription(const QString& message);
    bool isCancelled() const;

    QWidget* m_settingsWidget;

private:
    void* m_private;
};

} // namespace Digikam
