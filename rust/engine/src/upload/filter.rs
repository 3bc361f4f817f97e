//! Which walked files and folders a job leaves out: `--include`,
//! `--exclude`, `--exclude-from` and the default excludes for digiKam's own
//! files, in rclone's glob syntax where it fits.
//!
//! A pattern is matched against the path relative to the upload root (the
//! source folder itself; a file given by name is its own name):
//! - `*` matches within one path segment, `**` across segments, `?` one
//!   character other than `/`, `[a-z]`/`[!a-z]` one of (not of) a class,
//!   `{a,b}` either alternative, `\x` the character `x` itself;
//! - a leading `/` anchors the pattern at the upload root; without it the
//!   pattern matches the end of the path at a segment boundary (`*.db`
//!   matches `a.db` and `x/y/a.db`);
//! - a trailing `/` makes the rule about folders: a folder it excludes is not
//!   entered at all; rules without it are about files only.
//!
//! Rules are tried in order and the first that matches decides, as in
//! rclone. The order is: the default excludes (unless turned off), then the
//! `--exclude-from` files, `--exclude`, `--include`; when there is any
//! include, a last rule leaves out every file no include took.
//! Matching is case-sensitive, as rclone's is by default.

use serde::{Deserialize, Serialize};

/// One rule: a glob and what a match means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterRule {
    pub include: bool,
    pub pattern: String,
    /// Why a path this rule leaves out is left out, in words for the user.
    pub why: String,
}

/// The rules of a job, first match wins; none: every file goes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterSet {
    pub rules: Vec<FilterRule>,
}

/// digiKam's databases (and the journals SQLite keeps beside them while they
/// are open) and its trash: what digiKam keeps inside a collection by default
/// (docs.digikam.org, "Database settings" and "Trash"). Sent while digiKam
/// writes them they would be torn copies, and they are not photos.
const DIGIKAM_DATABASES: &str = "{digikam4,thumbnails-digikam,recognition,similarity}.db{,-wal,-shm,-journal}";
const DIGIKAM_TRASH: &str = ".dtrash/";

/// What the user asked to include or exclude.
#[derive(Debug, Clone, Default)]
pub struct FilterRequest {
    pub default_excludes: bool,
    /// Patterns read from `--exclude-from` files, with the file they came from.
    pub exclude_from: Vec<(String, String)>,
    pub exclude: Vec<String>,
    pub include: Vec<String>,
}

impl FilterSet {
    /// The rule set `request` asks for, or why a pattern is not a glob.
    pub fn build(request: &FilterRequest) -> crate::Result<Self> {
        let mut rules = Vec::new();
        if request.default_excludes {
            rules.push(FilterRule {
                include: false,
                pattern: DIGIKAM_DATABASES.into(),
                why: "a digiKam database (left out by default: --no-default-excludes sends it)".into(),
            });
            rules.push(FilterRule {
                include: false,
                pattern: DIGIKAM_TRASH.into(),
                why: "digiKam's trash (left out by default: --no-default-excludes sends it)".into(),
            });
        }
        for (pattern, file) in &request.exclude_from {
            rules.push(FilterRule {
                include: false,
                pattern: pattern.clone(),
                why: format!("excluded by '{pattern}' in {file}"),
            });
        }
        for pattern in &request.exclude {
            rules.push(FilterRule { include: false, pattern: pattern.clone(), why: format!("excluded by --exclude '{pattern}'") });
        }
        for pattern in &request.include {
            rules.push(FilterRule { include: true, pattern: pattern.clone(), why: String::new() });
        }
        if !request.include.is_empty() {
            rules.push(FilterRule { include: false, pattern: "/**".into(), why: "matched by no --include".into() });
        }
        let set = Self { rules };
        set.check()?;
        Ok(set)
    }

    /// An error naming the first rule that is not a well-formed glob.
    pub fn check(&self) -> crate::Result<()> {
        for rule in &self.rules {
            if let Err(why) = expand(body(&rule.pattern).0) {
                return Err(crate::Error::InvalidInput(format!("'{}' is not a usable pattern: {why}", rule.pattern)));
            }
        }
        Ok(())
    }

    /// Why the path `relative` (to the upload root, `/`-separated) is left
    /// out, or `None` when it goes.
    pub fn excluded(&self, relative: &str, is_dir: bool) -> Option<String> {
        let relative = relative.trim_start_matches('/');
        for rule in &self.rules {
            let (glob, dir_rule, anchored) = body(&rule.pattern);
            if dir_rule != is_dir {
                continue;
            }
            if matches(glob, anchored, relative) {
                return (!rule.include).then(|| rule.why.clone());
            }
        }
        None
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

/// Lines of an `--exclude-from` file: one pattern a line; blank lines and
/// lines starting with `#` or `;` are comments (as in rclone's filter files).
pub fn patterns_in(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'))
        .map(str::to_owned)
        .collect()
}

/// The glob without its markers: (glob, about folders, anchored at the root).
fn body(pattern: &str) -> (&str, bool, bool) {
    let (rest, dir_rule) = match pattern.strip_suffix('/') {
        Some(r) if !r.is_empty() => (r, true),
        _ => (pattern, false),
    };
    match rest.strip_prefix('/') {
        Some(r) => (r, dir_rule, true),
        None => (rest, dir_rule, false),
    }
}

fn matches(glob: &str, anchored: bool, path: &str) -> bool {
    let Ok(alternatives) = expand(glob) else { return false };
    let path: Vec<char> = path.chars().collect();
    alternatives.iter().any(|alt| {
        let pat: Vec<char> = alt.chars().collect();
        if anchored {
            return glob_match(&pat, &path);
        }
        // Any tail of the path that starts a segment.
        (0..path.len()).filter(|&i| i == 0 || path[i - 1] == '/').any(|i| glob_match(&pat, &path[i..]))
            || (path.is_empty() && glob_match(&pat, &path))
    })
}

/// `{a,b}` expanded into plain globs (nested braces too); unbalanced braces
/// or brackets are an error.
fn expand(glob: &str) -> Result<Vec<String>, String> {
    let chars: Vec<char> = glob.chars().collect();
    let mut depth = 0i32;
    let mut open = None;
    let mut commas = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' => {
                let end = class_end(&chars, i).ok_or("a '[' without its ']'")?;
                i = end;
            }
            '{' => {
                if depth == 0 {
                    open = Some(i);
                    commas.clear();
                }
                depth += 1;
            }
            ',' if depth == 1 => commas.push(i),
            '}' => {
                depth -= 1;
                if depth < 0 {
                    return Err("a '}' without its '{'".into());
                }
                if depth == 0 {
                    let start = open.unwrap_or(0);
                    let prefix: String = chars[..start].iter().collect();
                    let suffix: String = chars[i + 1..].iter().collect();
                    let mut bounds = vec![start];
                    bounds.extend(&commas);
                    bounds.push(i);
                    let mut out = Vec::new();
                    for w in bounds.windows(2) {
                        let middle: String = chars[w[0] + 1..w[1]].iter().collect();
                        out.extend(expand(&format!("{prefix}{middle}{suffix}"))?);
                    }
                    return Ok(out);
                }
            }
            _ => {}
        }
        i += 1;
    }
    if depth > 0 {
        return Err("a '{' without its '}'".into());
    }
    Ok(vec![glob.to_owned()])
}

/// The index of the `]` closing the class that opens at `open`.
fn class_end(p: &[char], open: usize) -> Option<usize> {
    let mut i = open + 1;
    if matches!(p.get(i), Some('!' | '^')) {
        i += 1;
    }
    // A `]` right after the opening (or its negation) is a member.
    if p.get(i) == Some(&']') {
        i += 1;
    }
    while i < p.len() {
        if p[i] == ']' {
            return Some(i);
        }
        i += 1;
    }
    None
}

fn class_matches(class: &[char], c: char) -> bool {
    let (negated, members) = match class.first() {
        Some('!' | '^') => (true, &class[1..]),
        _ => (false, class),
    };
    let mut hit = false;
    let mut i = 0;
    while i < members.len() {
        if i + 2 < members.len() && members[i + 1] == '-' {
            hit |= members[i] <= c && c <= members[i + 2];
            i += 3;
        } else {
            hit |= members[i] == c;
            i += 1;
        }
    }
    hit != negated
}

/// Whether `pat` (no braces) matches all of `s`.
fn glob_match(pat: &[char], s: &[char]) -> bool {
    let Some(&first) = pat.first() else { return s.is_empty() };
    match first {
        '*' if pat.get(1) == Some(&'*') => {
            // `**/` also matches no folder at all (`**/a` matches `a`).
            let rest = &pat[2..];
            if rest.first() == Some(&'/') && glob_match(&rest[1..], s) {
                return true;
            }
            (0..=s.len()).any(|i| glob_match(rest, &s[i..]))
        }
        '*' => {
            let rest = &pat[1..];
            for i in 0..=s.len() {
                if glob_match(rest, &s[i..]) {
                    return true;
                }
                if i < s.len() && s[i] == '/' {
                    return false;
                }
            }
            false
        }
        '?' => !s.is_empty() && s[0] != '/' && glob_match(&pat[1..], &s[1..]),
        '[' => match class_end(pat, 0) {
            Some(end) => {
                !s.is_empty() && s[0] != '/' && class_matches(&pat[1..end], s[0]) && glob_match(&pat[end + 1..], &s[1..])
            }
            None => false,
        },
        '\\' if pat.len() > 1 => !s.is_empty() && s[0] == pat[1] && glob_match(&pat[2..], &s[1..]),
        c => !s.is_empty() && s[0] == c && glob_match(&pat[1..], &s[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(exclude: &[&str], include: &[&str], defaults: bool) -> FilterSet {
        FilterSet::build(&FilterRequest {
            default_excludes: defaults,
            exclude_from: Vec::new(),
            exclude: exclude.iter().map(|s| s.to_string()).collect(),
            include: include.iter().map(|s| s.to_string()).collect(),
        })
        .unwrap()
    }

    #[test]
    fn default_excludes_take_digikams_databases_journals_and_trash_only() {
        let f = set(&[], &[], true);
        for name in [
            "digikam4.db",
            "digikam4.db-wal",
            "digikam4.db-journal",
            "thumbnails-digikam.db",
            "thumbnails-digikam.db-shm",
            "recognition.db",
            "similarity.db-wal",
            "album/digikam4.db",
        ] {
            assert!(f.excluded(name, false).is_some_and(|w| w.contains("digiKam database")), "{name}");
        }
        assert!(f.excluded(".dtrash", true).is_some_and(|w| w.contains("trash")));
        assert!(f.excluded("2024/.dtrash", true).is_some());
        for kept in ["digikam4.db.jpg", "my-digikam4.db", "IMG_1.jpg", ".dtrash"] {
            assert_eq!(f.excluded(kept, false), None, "{kept}");
        }
        assert_eq!(f.excluded("dtrash", true), None);
        assert!(set(&[], &[], false).excluded("digikam4.db", false).is_none());
    }

    #[test]
    fn globs_follow_rclones_rules() {
        let f = set(&["*.tmp", "/top.txt", "cache/", "raw/**/*.xmp", "IMG_[0-2]?.{png,gif}"], &[], false);
        assert!(f.excluded("a.tmp", false).is_some());
        assert!(f.excluded("x/y/a.tmp", false).is_some());
        assert!(f.excluded("x/a.tmp/b", false).is_none(), "* stays within a segment");
        assert!(f.excluded("top.txt", false).is_some());
        assert!(f.excluded("sub/top.txt", false).is_none(), "a leading / anchors at the root");
        assert!(f.excluded("a/cache", true).is_some());
        assert!(f.excluded("a/cache", false).is_none(), "a trailing / is about folders");
        assert!(f.excluded("raw/1/2/a.xmp", false).is_some());
        assert!(f.excluded("raw/a.xmp", false).is_some(), "**/ also matches no folder");
        assert!(f.excluded("IMG_07.png", false).is_some());
        assert!(f.excluded("IMG_17.gif", false).is_some());
        assert!(f.excluded("IMG_37.gif", false).is_none());
        assert!(f.excluded("IMG_07.jpg", false).is_none());
    }

    #[test]
    fn first_matching_rule_wins_and_includes_leave_out_the_rest() {
        let f = set(&["private/**"], &["*.jpg", "*.nef"], false);
        assert_eq!(f.excluded("a/b.jpg", false), None);
        assert_eq!(f.excluded("b.NEF", false).as_deref(), Some("matched by no --include"));
        assert!(f.excluded("private/x.jpg", false).unwrap().contains("--exclude 'private/**'"));
        assert_eq!(f.excluded("private", true), None, "folders are still walked");
    }

    #[test]
    fn malformed_patterns_are_refused_with_the_pattern_named() {
        for bad in ["a[b", "{a,b", "a}"] {
            let err = FilterSet::build(&FilterRequest { exclude: vec![bad.into()], ..Default::default() }).unwrap_err();
            assert!(err.to_string().contains(bad), "{err}");
        }
    }

    #[test]
    fn exclude_from_reads_patterns_and_skips_comments() {
        assert_eq!(patterns_in("# c\n*.tmp\n\n ; x\n  cache/ \n"), vec!["*.tmp", "cache/"]);
    }
}
