// The first start beside digiKam's own exporters, offscreen: when the
// question is due, what it says, and what Take Over and Keep Both write to the
// host's configuration (read back from the file) and do to the actions.
#include "hostconfig.h"
#include "takeover.h"
#include "takeoverquestion.h"

#include <KConfig>
#include <KConfigGroup>
#include <KSharedConfig>

#include <QAction>
#include <QAbstractButton>
#include <QApplication>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace DkCloud;

class TakeoverTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void askedOnlyWhenABuiltinHoldsOurKey();
    void theQuestionNamesTheButtonsTheKeysAndTheNextStart();
    void takeOverSwitchesTheBuiltinsOffInTheHostConfig();
    void keepBothMovesOurKeysToFreeOnesAndRemembersThem();
    void escapeKeepsBothAndSwitchesNothingOff();
    void onlyTheClashingServiceIsAskedAbout();

private:
    // What the host's config file holds now (a fresh reader, not the shared object).
    QString fileEntry(const QString& group, const QString& key) const;
    QAction* addAction(const QString& name, const QString& keys);

    QTemporaryDir            m_dir;
    std::unique_ptr<QWidget> m_host;
};

void TakeoverTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qRegisterMetaType<TakeoverAnswer>();
    qputenv("XDG_CONFIG_HOME", m_dir.path().toUtf8());
    QCoreApplication::setApplicationName(QStringLiteral("digikam"));
}

void TakeoverTest::init()
{
    QFile::remove(m_dir.filePath(QStringLiteral("digikamrc")));
    KSharedConfig::openConfig()->reparseConfiguration();
    KSharedConfig::openConfig()->group(QStringLiteral("General Settings")).writeEntry("Version", "7.9.0");
    KSharedConfig::openConfig()->sync();
    m_host = std::make_unique<QWidget>();
    // digiKam's own exporters and ours, as the loader leaves them in the main window.
    addAction(QStringLiteral("export_onedrive"), QStringLiteral("Ctrl+Alt+Shift+O"));
    addAction(QStringLiteral("export_dropbox"), QStringLiteral("Ctrl+Alt+Shift+D"));
    // Ours without their keys until the answer (holdBackShortcut).
    addAction(QStringLiteral("export_dkcloud_onedrive"), QString());
    addAction(QStringLiteral("export_dkcloud_dropbox"), QString());
    // Some other action of the host already has OneDrive's first candidate.
    addAction(QStringLiteral("some_host_action"), QStringLiteral("Alt+Shift+O"));
}

QAction* TakeoverTest::addAction(const QString& name, const QString& keys)
{
    auto* action = new QAction(name, m_host.get());
    action->setObjectName(name);
    action->setShortcut(QKeySequence(keys));
    return action;
}

QString TakeoverTest::fileEntry(const QString& group, const QString& key) const
{
    KConfig file(m_dir.filePath(QStringLiteral("digikamrc")), KConfig::SimpleConfig);
    return file.group(group).readEntry(key, QString());
}

void TakeoverTest::askedOnlyWhenABuiltinHoldsOurKey()
{
    // Not asked yet, the built-ins enabled (digiKam's default): ours start without keys.
    QVERIFY(holdBackShortcut(ServiceId::OneDrive, builtinEnabledInConfig(ServiceId::OneDrive)));
    QVERIFY(holdBackShortcut(ServiceId::Dropbox, builtinEnabledInConfig(ServiceId::Dropbox)));
    QCOMPARE(clashingServices(m_host.get()), (QList<ServiceId>{ServiceId::OneDrive, ServiceId::Dropbox}));
    QVERIFY(takeoverQuestionDue(m_host.get()));
    // A built-in the user gave another key: no clash, no question.
    for (QAction* builtin : {m_host->findChild<QAction*>(QStringLiteral("export_onedrive")),
                             m_host->findChild<QAction*>(QStringLiteral("export_dropbox"))})
        builtin->setShortcut(QKeySequence(QStringLiteral("Ctrl+F9")));
    QVERIFY(clashingServices(m_host.get()).isEmpty());
    QVERIFY(!takeoverQuestionDue(m_host.get()));
    // No built-in at all (switched off): no question either.
    m_host = std::make_unique<QWidget>();
    addAction(QStringLiteral("export_dkcloud_onedrive"), QString());
    QVERIFY(!takeoverQuestionDue(m_host.get()));
}

void TakeoverTest::theQuestionNamesTheButtonsTheKeysAndTheNextStart()
{
    TakeoverQuestion question(clashingServices(m_host.get()), m_host.get());
    QCOMPARE(question.objectName(), QStringLiteral("dkcloudTakeoverQuestion"));
    QCOMPARE(question.windowTitle(), QStringLiteral("dkcloud and digiKam's own exporters"));
    QCOMPARE(question.windowModality(), Qt::NonModal);
    QCOMPARE(question.takeOverButton()->objectName(), QStringLiteral("takeOverButton"));
    QCOMPARE(question.keepBothButton()->objectName(), QStringLiteral("keepBothButton"));
    QCOMPARE(question.takeOverButton()->text(), QStringLiteral("&Take Over"));
    QCOMPARE(question.keepBothButton()->text(), QStringLiteral("&Keep Both"));
    // Alt+Shift+O is taken in the host: the next candidate.
    QCOMPARE(question.movedShortcuts(),
             (QList<QKeySequence>{QKeySequence(QStringLiteral("Ctrl+Alt+Shift+F11")), QKeySequence(QStringLiteral("Alt+Shift+D"))}));
    QCOMPARE(question.text(), QStringLiteral("Let dkcloud take over the OneDrive and Dropbox entries?"));
    const QString info = question.informativeText();
    for (const char* said : {"digiKam's own OneDrive and Dropbox exporters are switched on",
                             "Ctrl+Alt+Shift+O and Ctrl+Alt+Shift+D", "A key with two entries does nothing",
                             "Take Over: from now on", "the next time you start digiKam",
                             "Settings > Configure digiKam > Plugins", "Keep Both: both stay",
                             "dkcloud's OneDrive entry moves to Ctrl+Alt+Shift+F11",
                             "dkcloud's Dropbox entry moves to Alt+Shift+D", "You are asked only once"})
        QVERIFY2(info.contains(QLatin1String(said)), qPrintable(QLatin1String(said) + QStringLiteral(" not in: ") + info));
    question.show();
    QVERIFY(question.isVisible());
    QVERIFY(!question.isModal());
}

void TakeoverTest::takeOverSwitchesTheBuiltinsOffInTheHostConfig()
{
    auto* question = new TakeoverQuestion(clashingServices(m_host.get()), m_host.get());
    QSignalSpy answered(question, &TakeoverQuestion::answered);
    question->show();
    question->takeOverButton()->click();
    QCOMPARE(answered.count(), 1);
    QCOMPARE(answered.first().first().value<TakeoverAnswer>(), TakeoverAnswer::TakeOver);
    QCOMPARE(fileEntry(QStringLiteral("EnabledDPlugins"), QStringLiteral("org.kde.digikam.plugin.generic.OneDrive")), QStringLiteral("false"));
    QCOMPARE(fileEntry(QStringLiteral("EnabledDPlugins"), QStringLiteral("org.kde.digikam.plugin.generic.DropBox")), QStringLiteral("false"));
    QCOMPARE(fileEntry(QStringLiteral("dkcloud"), QStringLiteral("Built-in Exporters")), QStringLiteral("take-over"));
    // The rest of the host's file stays.
    QCOMPARE(fileEntry(QStringLiteral("General Settings"), QStringLiteral("Version")), QStringLiteral("7.9.0"));
    // For this session: the built-ins lose the keys, ours keep them.
    QVERIFY(m_host->findChild<QAction*>(QStringLiteral("export_onedrive"))->shortcut().isEmpty());
    QVERIFY(m_host->findChild<QAction*>(QStringLiteral("export_dropbox"))->shortcut().isEmpty());
    QCOMPARE(m_host->findChild<QAction*>(QStringLiteral("export_dkcloud_onedrive"))->shortcut(), QKeySequence(QStringLiteral("Ctrl+Alt+Shift+O")));
    QCOMPARE(m_host->findChild<QAction*>(QStringLiteral("export_dkcloud_dropbox"))->shortcut(), QKeySequence(QStringLiteral("Ctrl+Alt+Shift+D")));
    QCOMPARE(effectiveShortcut(ServiceId::Dropbox), QKeySequence(QStringLiteral("Ctrl+Alt+Shift+D")));
    QVERIFY(clashingServices(m_host.get()).isEmpty());
    // The next start: the built-ins are off, ours get their keys from the start.
    QVERIFY(!builtinEnabledInConfig(ServiceId::OneDrive));
    QVERIFY(!holdBackShortcut(ServiceId::OneDrive, builtinEnabledInConfig(ServiceId::OneDrive)));
    // A window the host makes later in this session (built-ins still loaded):
    // ours start without the key, and get it from the built-in.
    QVERIFY(holdBackShortcut(ServiceId::OneDrive, true));
    QWidget editor;
    auto* builtin = new QAction(&editor);
    builtin->setObjectName(QStringLiteral("export_onedrive"));
    builtin->setShortcut(QKeySequence(QStringLiteral("Ctrl+Alt+Shift+O")));
    auto* ours = new QAction(&editor);
    ours->setObjectName(QStringLiteral("export_dkcloud_onedrive"));
    giveKeysToDkcloud({ServiceId::OneDrive}, {&editor});
    QVERIFY(builtin->shortcut().isEmpty());
    QCOMPARE(ours->shortcut(), QKeySequence(QStringLiteral("Ctrl+Alt+Shift+O")));
    // Asked once: even with the built-ins back on, no second question.
    m_host->findChild<QAction*>(QStringLiteral("export_onedrive"))->setShortcut(QKeySequence(QStringLiteral("Ctrl+Alt+Shift+O")));
    QVERIFY(!takeoverQuestionDue(m_host.get()));
}

void TakeoverTest::keepBothMovesOurKeysToFreeOnesAndRemembersThem()
{
    auto* question = new TakeoverQuestion(clashingServices(m_host.get()), m_host.get());
    question->show();
    question->keepBothButton()->click();
    QCOMPARE(fileEntry(QStringLiteral("dkcloud"), QStringLiteral("Built-in Exporters")), QStringLiteral("keep-both"));
    QCOMPARE(fileEntry(QStringLiteral("dkcloud"), QStringLiteral("OneDrive Shortcut")), QStringLiteral("Ctrl+Alt+Shift+F11"));
    QCOMPARE(fileEntry(QStringLiteral("dkcloud"), QStringLiteral("Dropbox Shortcut")), QStringLiteral("Alt+Shift+D"));
    QVERIFY(fileEntry(QStringLiteral("EnabledDPlugins"), QStringLiteral("org.kde.digikam.plugin.generic.OneDrive")).isEmpty());
    QCOMPARE(m_host->findChild<QAction*>(QStringLiteral("export_dkcloud_onedrive"))->shortcut(), QKeySequence(QStringLiteral("Ctrl+Alt+Shift+F11")));
    QCOMPARE(m_host->findChild<QAction*>(QStringLiteral("export_dkcloud_dropbox"))->shortcut(), QKeySequence(QStringLiteral("Alt+Shift+D")));
    QCOMPARE(m_host->findChild<QAction*>(QStringLiteral("export_onedrive"))->shortcut(), QKeySequence(QStringLiteral("Ctrl+Alt+Shift+O")));
    // Next start: the plugin's actions get the remembered keys; nothing clashes.
    QCOMPARE(effectiveShortcut(ServiceId::OneDrive), QKeySequence(QStringLiteral("Ctrl+Alt+Shift+F11")));
    QCOMPARE(effectiveShortcut(ServiceId::Dropbox), QKeySequence(QStringLiteral("Alt+Shift+D")));
    QVERIFY(clashingServices(m_host.get()).isEmpty());
    QVERIFY(!takeoverQuestionDue(m_host.get()));
    // Moved keys clash with nothing: ours get them from the start.
    QVERIFY(!holdBackShortcut(ServiceId::Dropbox, true));
}

void TakeoverTest::escapeKeepsBothAndSwitchesNothingOff()
{
    auto* question = new TakeoverQuestion(clashingServices(m_host.get()), m_host.get());
    QSignalSpy answered(question, &TakeoverQuestion::answered);
    question->show();
    QVERIFY(QTest::qWaitForWindowExposed(question));
    QTest::keyClick(question, Qt::Key_Escape);
    QCOMPARE(answered.count(), 1);
    QCOMPARE(answered.first().first().value<TakeoverAnswer>(), TakeoverAnswer::KeepBoth);
    QCOMPARE(rememberedTakeoverAnswer(), TakeoverAnswer::KeepBoth);
    QVERIFY(fileEntry(QStringLiteral("EnabledDPlugins"), QStringLiteral("org.kde.digikam.plugin.generic.DropBox")).isEmpty());
}

void TakeoverTest::onlyTheClashingServiceIsAskedAbout()
{
    delete m_host->findChild<QAction*>(QStringLiteral("export_dropbox"));
    const QList<ServiceId> services = clashingServices(m_host.get());
    QCOMPARE(services, QList<ServiceId>{ServiceId::OneDrive});
    TakeoverQuestion question(services, m_host.get());
    QCOMPARE(question.text(), QStringLiteral("Let dkcloud take over the OneDrive entries?"));
    QVERIFY(question.informativeText().contains(QLatin1String("digiKam's own OneDrive exporter is switched on and uses the same key as dkcloud: Ctrl+Alt+Shift+O.")));
    question.takeOverButton()->click();
    QCOMPARE(fileEntry(QStringLiteral("EnabledDPlugins"), QStringLiteral("org.kde.digikam.plugin.generic.OneDrive")), QStringLiteral("false"));
    QVERIFY(fileEntry(QStringLiteral("EnabledDPlugins"), QStringLiteral("org.kde.digikam.plugin.generic.DropBox")).isEmpty());
}

QTEST_MAIN(TakeoverTest)
#include "takeover_test.moc"
