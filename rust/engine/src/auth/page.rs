//! The small pages the loopback listener shows in the browser.

use crate::ServiceKind;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, body_html: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{t}</title>\
         <style>body{{font-family:sans-serif;max-width:36em;margin:4em auto;padding:0 1em;line-height:1.5}}\
         h1{{font-size:1.4em}}</style></head>\n<body><h1>{t}</h1>\n{body_html}\n\
         <p><small>dkcloud</small></p></body></html>\n",
        t = escape(title)
    )
}

pub(crate) fn success(service: ServiceKind, who: &str) -> String {
    page(
        &format!("Signed in to {service}"),
        &format!(
            "<p id=\"result\">You are signed in to {service} as <strong>{}</strong>.</p>\
             <p>You can close this tab and go back to dkcloud.</p>",
            escape(who)
        ),
    )
}

pub(crate) fn failure(service: ServiceKind, message: &str) -> String {
    page(
        &format!("{service} sign-in failed"),
        &format!(
            "<p id=\"error\">{}</p><p>You can close this tab; dkcloud shows the same message.</p>",
            escape(message)
        ),
    )
}

pub(crate) fn not_found() -> String {
    page("Not found", "<p>This address only answers the login's redirect.</p>")
}
