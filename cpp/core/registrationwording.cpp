#include "registrationwording.h"

#include <KLocalizedString>

#include <QCoreApplication>

namespace DkCloud
{

namespace
{

// What is wrong, and the setting in the service's portal that fixes it.
QString problemText(ServiceId service, const QString& problem, const QString& value)
{
    const bool onedrive = service == ServiceId::OneDrive;
    if (problem == QLatin1String("unknown_app"))
        return onedrive ? i18nc("@info app registration problem", "Microsoft knows no app with this Application (client) ID. Copy the ID from the app's "
        "Overview page in the Microsoft Entra admin center (App registrations).")
                        : i18nc("@info app registration problem", "Dropbox knows no app with this app key. Copy the App key from the app's Settings tab "
        "in the Dropbox App Console.");
    if (problem == QLatin1String("redirect_not_registered"))
        return onedrive ? i18nc("@info app registration problem", "The app's redirect URI is not registered. In the Microsoft Entra admin center, under "
        "the app's Authentication, add the platform \"Mobile and desktop applications\" with the "
        "redirect URI %1.", value.isEmpty() ? QStringLiteral("http://localhost") : value)
                        : i18nc("@info app registration problem", "The app's redirect URI is not registered. In the Dropbox App Console, on the app's "
        "Settings tab under OAuth 2 > Redirect URIs, add %1 exactly.", value);
    if (problem == QLatin1String("personal_accounts_only"))
        return i18nc("@info app registration problem", "The app accepts personal Microsoft accounts only. Set its Supported account types (the app's "
        "Authentication page in the Microsoft Entra admin center) to \"Accounts in any organizational "
        "directory and personal Microsoft accounts\", or use the tenant \"consumers\".");
    if (problem == QLatin1String("account_types"))
        return i18nc("@info app registration problem", "The app's Supported account types do not include the accounts of tenant \"%1\". Set them (the "
        "app's Authentication page in the Microsoft Entra admin center) to \"Accounts in any "
        "organizational directory and personal Microsoft accounts\", or use the tenant the app is "
        "registered for.", value);
    if (problem == QLatin1String("public_client_flows_off"))
        return i18nc("@info app registration problem", "The app does not allow public client flows. On its Authentication page in the Microsoft Entra "
        "admin center, under Advanced settings, set \"Allow public client flows\" to Yes.");
    if (problem == QLatin1String("needs_desktop_platform"))
        return i18nc("@info app registration problem", "The app's redirect URI http://localhost is registered under \"Web\", which needs a secret. On "
        "its Authentication page in the Microsoft Entra admin center, remove it there and add it under "
        "\"Mobile and desktop applications\".");
    if (problem == QLatin1String("missing_permission"))
        return onedrive ? i18nc("@info app registration problem", "The app lacks the permission %1. On its API permissions page in the Microsoft Entra "
        "admin center, add the Microsoft Graph delegated permission %1.", value)
                        : i18nc("@info app registration problem", "The app lacks the permission %1. On its Permissions tab in the Dropbox App Console, "
        "tick %1 and press Submit.", value);
    return i18nc("@info app registration problem", "The app's registration is not as %1 needs it.", serviceInfo(service).name);
}

// The service's own words, short: Dropbox's error page puts the line that
// matters after "More details for developers"; the rest stays in the details.
QString serviceWords(QString said)
{
    const QString developers = QStringLiteral("More details for developers");
    const int at             = said.indexOf(developers);
    if (at >= 0)
        said = said.mid(at + developers.size());
    said = said.simplified();
    const int longest = 160;
    return said.size() > longest ? said.left(longest) + QChar(0x2026) : said;
}

} // namespace

bool fixNeedsNewLogin(const ffi::RegistrationIssue& issue)
{
    return toQString(issue.problem) == QLatin1String("missing_permission");
}

QString explainRegistration(ServiceId service, const ffi::RegistrationIssue& issue, FrontEnd frontEnd)
{
    const QString name  = serviceInfo(service).name;
    const bool    queue = frontEnd == FrontEnd::QueueTool;
    const QString what  = problemText(service, toQString(issue.problem), toQString(issue.value));
    QString text;
    if (issue.built_in)
    {
        // Nobody but whoever built this dkcloud can change that app.
        text = i18nc("@info app registration problem", "%1 refused the app registration built into this dkcloud: %2 This is a problem of this dkcloud "
        "build, not of your account: please tell whoever made your dkcloud package.", name, what);
        text += QLatin1Char(' ') +
                (queue ? i18nc("@info app registration problem", "Meanwhile an app registration of your own can replace it: open Export > Export to "
        "%1... and click \"App Registration...\".", name)
                       : i18nc("@info app registration problem", "Meanwhile an app registration of your own can replace it: click \"App "
        "Registration...\"."));
    }
    else
    {
        text = i18nc("@info app registration problem", "%1 refused the app registration: %2", name, what);
        if (fixNeedsNewLogin(issue))
            text += QLatin1Char(' ') + (queue ? i18nc("@info app registration problem", "Then click \"Log In...\" in the upload tool's settings to log in "
        "again: the new login carries the permission.")
                                              : i18nc("@info app registration problem", "Then click \"Log in again\": the new login carries the "
        "permission."));
    }
    const QString said = serviceWords(toQString(issue.said));
    if (!said.isEmpty())
        text += QLatin1Char(' ') + i18nc("@info app registration problem", "(%1 said: %2)", name, said);
    return text;
}

QString signInTroubleText(ServiceId service, const QString& origin, const QString& redirectUri, FrontEnd frontEnd)
{
    if (origin == QLatin1String("built_in"))
        return frontEnd == FrontEnd::QueueTool
                   ? i18nc("@info app registration problem", "If the sign-in page shows an error, the app registration built into this dkcloud is at "
        "fault: an app registration of your own (Export > Export to %1... > \"App "
        "Registration...\") can replace it.", serviceInfo(service).name)
                   : i18nc("@info app registration problem", "If the sign-in page shows an error, the app registration built into this dkcloud is at "
        "fault: an app registration of your own (\"App Registration...\") can replace it.");
    if (service == ServiceId::OneDrive)
        return i18nc("@info app registration problem", "If the sign-in page shows an error: AADSTS50011 means the redirect URI %1 is not registered "
        "under \"Mobile and desktop applications\" (the app's Authentication page); AADSTS700016 means "
        "Microsoft knows no app with this client ID.", redirectUri);
    return i18nc("@info app registration problem", "If the sign-in page says \"Invalid redirect_uri\", add %1 exactly to the app's Redirect URIs (Settings "
        "tab > OAuth 2 in the Dropbox App Console).", redirectUri);
}

QString signInWaitingHtml(ServiceId service, const QString& url, bool opened, const QString& origin,
                          const QString& redirectUri, FrontEnd frontEnd)
{
    QString text = i18nc("@info app registration problem", "Finish signing in in your web browser...").toHtmlEscaped();
    if (!opened)
        text += QStringLiteral("<br>") + signInLinkHtml(url);
    return text + QStringLiteral("<br>") + signInTroubleText(service, origin, redirectUri, frontEnd).toHtmlEscaped();
}

QString registrationKnownText(ServiceId service)
{
    return i18nc("@info app registration problem", "%1 knows the app.", serviceInfo(service).name);
}

} // namespace DkCloud
