// What the plugin says about app registrations, in a photographer's words:
// a service's refusal of the registration (what is wrong, the portal setting
// that fixes it, and whose problem it is when the registration was built in),
// and what to do if the browser's sign-in page shows an error.
#pragma once

#include "engine.h"
#include "service.h"
#include "wording.h"

#include <QString>

namespace DkCloud
{

// A refused registration, plain text (it quotes the service: escape it
// before showing it as rich text). `frontEnd` decides which buttons it names.
QString explainRegistration(ServiceId service, const ffi::RegistrationIssue& issue, FrontEnd frontEnd);

// The fix ends with a new login: the login carries the permissions the app
// had when it was made, so one added since needs another.
bool fixNeedsNewLogin(const ffi::RegistrationIssue& issue);

// While the browser sign-in waits: what an error on the sign-in page means.
// `origin` is ExportSession::registrationOrigin() (`own`, `built_in`, ...);
// `redirectUri` the one to register (SetupInfo::redirect_uri).
QString signInTroubleText(ServiceId service, const QString& origin, const QString& redirectUri, FrontEnd frontEnd);

// While the browser sign-in waits (rich text): "finish in the browser", the
// page as a link when no browser could be started (`opened` false), then
// signInTroubleText.
QString signInWaitingHtml(ServiceId service, const QString& url, bool opened, const QString& origin,
                          const QString& redirectUri, FrontEnd frontEnd);

// "OneDrive knows the app.": the check before a sign-in found nothing wrong.
QString registrationKnownText(ServiceId service);

} // namespace DkCloud
