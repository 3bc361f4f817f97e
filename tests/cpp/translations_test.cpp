// The export window, the app registration window, the BQM tool's settings
// and the take-over question in German, French and Spanish (KI18n, the
// build's catalogues first on XDG_DATA_DIRS): no visible
// text is still the English source of a translated string, and a screenshot
// of each language goes to the artifacts.
#include "emulator_process.h"
#include "exportsettings.h"
#include "exportwindow.h"
#include "registrationassistant.h"
#include "takeoverquestion.h"
#include "uploadsettingswidget.h"
#include "visibletexts.h"

#include <KConfig>
#include <KLocalizedString>

#include <QApplication>
#include <QDesktopServices>
#include <QImage>
#include <QLabel>
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>

#include <clocale>
#include <memory>

using namespace DkCloud;

class TranslationsTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void theCheckCatchesEnglishLeftOver();
    void theWindowsSpeakTheLanguage_data();
    void theWindowsSpeakTheLanguage();

private:
    void expectTranslated(QWidget& window, const QString& language, const QString& shotName);

    QTemporaryDir                    m_dir;
    std::unique_ptr<EmulatorProcess> m_emulator;
    QString                          m_artifacts;
    QList<QUrl>                      m_photos;
};

void TranslationsTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QByteArray emulator = qgetenv("DKCLOUD_TEST_EMULATOR");
    QVERIFY2(!emulator.isEmpty(), "set DKCLOUD_TEST_EMULATOR to target/debug/dkcloud-emulator");
    QVERIFY2(!qEnvironmentVariableIsEmpty("DKCLOUD_TEST_SOURCE_DIR"), "set DKCLOUD_TEST_SOURCE_DIR to the source tree (po/)");
    m_emulator = std::make_unique<EmulatorProcess>(emulator.toStdString(), std::vector<std::string>{});
    QVERIFY(m_emulator->ok());
    qputenv("DKCLOUD_EMULATOR", QByteArray::fromStdString(m_emulator->url()));
    qputenv("DKCLOUD_CONFIG_DIR", m_dir.filePath(QStringLiteral("dkcloud")).toUtf8());
    qputenv("DKCLOUD_TOKEN_STORE", "file");
    qputenv("XDG_STATE_HOME", m_dir.filePath(QStringLiteral("state")).toUtf8());
    KConfig::setMainConfigName(m_dir.filePath(QStringLiteral("digikamrc")));
    m_artifacts = qEnvironmentVariable("DKCLOUD_TEST_ARTIFACTS", m_dir.path());
    // The host application's own domain: KI18n (KF6) uses a language only
    // when the application is translated into it, as digiKam is.
    KLocalizedString::setApplicationDomain("dkcloud");
    // A desktop's locale, where one is generated: glibc 2.41's gettext (Debian
    // 13) ignores the language KI18n asks for under C.UTF-8, as under C.
    setlocale(LC_MESSAGES, "en_US.UTF-8");
    for (const QString& name : {QStringLiteral("harbour.jpg"), QStringLiteral("lighthouse.jpg")})
    {
        QImage photo(64, 48, QImage::Format_RGB32);
        photo.fill(Qt::darkCyan);
        QVERIFY(photo.save(m_dir.filePath(name)));
        m_photos << QUrl::fromLocalFile(m_dir.filePath(name));
    }
}

void TranslationsTest::cleanupTestCase()
{
    KLocalizedString::setLanguages({});
}

void TranslationsTest::expectTranslated(QWidget& window, const QString& language, const QString& shotName)
{
    const QString po            = qEnvironmentVariable("DKCLOUD_TEST_SOURCE_DIR") + QStringLiteral("/po/") + language +
                       QStringLiteral("/dkcloud.po");
    const QStringList texts     = Testing::visibleTexts(&window);
    const QStringList untranslated = Testing::untranslatedTexts(texts, po);
    window.grab().save(m_artifacts + QLatin1Char('/') + shotName);
    QVERIFY2(texts.size() >= 4, qPrintable(texts.join(QStringLiteral(" | "))));
    QVERIFY2(untranslated.isEmpty(), qPrintable(QStringLiteral("still English in %1: ").arg(language) + untranslated.join(QStringLiteral(" | "))));
}

void TranslationsTest::theCheckCatchesEnglishLeftOver()
{
    // English sources, as they are and with a placeholder filled, are named;
    // translated texts and words the language shares with English are not.
    const QString po = qEnvironmentVariable("DKCLOUD_TEST_SOURCE_DIR") + QStringLiteral("/po/de/dkcloud.po");
    const QStringList shown{QStringLiteral("Export to OneDrive"), QStringLiteral("&Start Upload"), QStringLiteral("Start Upload"),
                            QStringLiteral("Nach OneDrive exportieren"), QStringLiteral("&Hochladen starten"), QStringLiteral("Album"),
                            QStringLiteral("Name:")};
    QCOMPARE(Testing::untranslatedTexts(shown, po),
             QStringList({QStringLiteral("Export to OneDrive"), QStringLiteral("&Start Upload"), QStringLiteral("Start Upload")}));
}

void TranslationsTest::theWindowsSpeakTheLanguage_data()
{
    QTest::addColumn<QString>("language");
    QTest::addColumn<QString>("startUpload");
    QTest::addColumn<QString>("help");
    QTest::newRow("German") << QStringLiteral("de") << QStringLiteral("&Hochladen starten") << QStringLiteral("H&ilfe");
    QTest::newRow("French") << QStringLiteral("fr") << QStringLiteral("&Lancer la transmission") << QStringLiteral("&Aide");
    QTest::newRow("Spanish") << QStringLiteral("es") << QStringLiteral("&Empezar el envío") << QStringLiteral("A&yuda");
}

void TranslationsTest::theWindowsSpeakTheLanguage()
{
    QFETCH(QString, language);
    QFETCH(QString, startUpload);
    QFETCH(QString, help);
    KLocalizedString::setLanguages({language});
    {
        ExportWindow window(ServiceId::OneDrive, m_photos);
        window.show();
        // The session opens and finds nobody logged in: the status line says so.
        QTRY_VERIFY_WITH_TIMEOUT(window.loginButton()->isEnabled() && !window.statusLabel()->text().isEmpty(), 15000);
        QTest::qWait(200);
        // (KDE's accelerator manager may move a "&" in the host: the words count.)
        const auto words = [](QString text) { return text.remove(QLatin1Char('&')); };
        QCOMPARE(words(window.startButton()->text()), words(startUpload));
        QCOMPARE(words(window.findChild<QPushButton*>(QStringLiteral("helpButton"))->text()), words(help));
        expectTranslated(window, language, QStringLiteral("dialog-%1.png").arg(language));
    }
    {
        RegistrationAssistant assistant(ServiceId::OneDrive, ExportSettings{});
        assistant.show();
        QTest::qWait(200);
        expectTranslated(assistant, language, QStringLiteral("registration-%1.png").arg(language));
    }
    {
        // The Batch Queue Manager tool's settings, as BQM shows them.
        UploadSettingsWidget settings(ServiceId::Dropbox);
        settings.resize(520, 260);
        settings.show();
        QTest::qWait(1500);
        expectTranslated(settings, language, QStringLiteral("bqm-settings-%1.png").arg(language));
    }
    {
        QWidget host;
        TakeoverQuestion question({ServiceId::OneDrive, ServiceId::Dropbox}, &host);
        question.setAttribute(Qt::WA_DeleteOnClose, false);
        question.show();
        QTest::qWait(200);
        expectTranslated(question, language, QStringLiteral("takeover-%1.png").arg(language));
    }
}

QTEST_MAIN(TranslationsTest)
#include "translations_test.moc"
