//! The house rules of a crate, read from its sources: reading every `crate::`,
//! `super::` and `self::` path (use lines and inline paths, re-exports followed
//! to the file that defines the item), no file depends on itself through
//! others, no top-level module does either, and each top-level module imports
//! only from its own layer and the layers below it, in the order the crate's
//! `LAYERS` file declares (one layer a line, lowest first). A circle means
//! some file imports from a module that depends on it; an import against the
//! order means a lower layer reaches up.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One source file: its module path (`["auth", "store"]`) and its code with
/// comments, strings and inline test modules removed.
struct Source {
    module: Vec<String>,
    code: String,
}

fn sources(root: &Path) -> BTreeMap<PathBuf, Source> {
    let root = root.to_path_buf();
    let mut out = BTreeMap::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(&root).expect("under src").to_path_buf();
                let mut module: Vec<String> =
                    rel.with_extension("").iter().map(|p| p.to_string_lossy().into_owned()).collect();
                if matches!(module.last().map(String::as_str), Some("mod" | "lib" | "main")) {
                    module.pop();
                }
                let text = std::fs::read_to_string(&path).expect("read file");
                out.insert(rel, Source { module, code: strip(&text) });
            }
        }
    }
    out
}

/// Removes comments, string and char literals, and everything from an
/// inline `#[cfg(test)]` module on (by convention the end of a file).
fn strip(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                out.push_str("\"\"");
            }
            b'\'' if bytes.get(i + 2) == Some(&b'\'') || bytes.get(i + 1) == Some(&b'\\') => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            _ => {
                let ch = text[i..].chars().next().expect("char");
                out.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    out
}

/// Expands a use tree (`a::{b, c::{d, e as f}}`) into (path, exported name) pairs.
fn expand(tree: &str, prefix: &[String], out: &mut Vec<(Vec<String>, String)>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = tree[..open].split("::").map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
        let inner = &tree[open + 1..tree.rfind('}').expect("closing brace")];
        let mut base = prefix.to_vec();
        base.extend(head);
        let (mut depth, mut start) = (0, 0);
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&inner[start..i], &base, out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand(&inner[start..], &base, out);
        return;
    }
    if tree.is_empty() {
        return;
    }
    let (path, alias) = match tree.split_once(" as ") {
        Some((p, a)) => (p.trim(), Some(a.trim())),
        None => (tree, None),
    };
    let mut full = prefix.to_vec();
    full.extend(path.split("::").map(str::trim).map(String::from));
    let name = alias.map(String::from).unwrap_or_else(|| full.last().cloned().unwrap_or_default());
    out.push((full, name));
}

/// Every `use` statement of a file, expanded; `pub` tells re-exports.
fn uses(code: &str) -> Vec<(bool, Vec<String>, String)> {
    let mut out = Vec::new();
    for (at, _) in code.match_indices("use ") {
        let before = &code[..at];
        let line_start = before.rfind('\n').map_or(0, |n| n + 1);
        let lead = code[line_start..at].trim();
        if !(lead.is_empty() || lead.starts_with("pub")) {
            continue;
        }
        let Some(end) = code[at..].find(';') else { continue };
        let mut found = Vec::new();
        expand(&code[at + 4..at + end], &[], &mut found);
        out.extend(found.into_iter().map(|(p, n)| (lead.starts_with("pub"), p, n)));
    }
    out
}

/// Makes `path` absolute (from the crate root) as seen from `module`.
fn absolute(module: &[String], is_mod_file: bool, path: &[String]) -> Option<Vec<String>> {
    let mut segs = path.iter();
    let mut base: Vec<String> = match segs.next()?.as_str() {
        "crate" => Vec::new(),
        "self" => module.to_vec(),
        "super" => {
            let _ = is_mod_file;
            let mut b = module.to_vec();
            b.pop()?;
            b
        }
        _ => return None,
    };
    for s in segs {
        if s == "super" {
            base.pop()?;
        } else {
            base.push(s.clone());
        }
    }
    Some(base)
}

struct Index {
    by_module: BTreeMap<Vec<String>, PathBuf>,
    sources: BTreeMap<PathBuf, Source>,
}

impl Index {
    /// The file that defines what `path` names, following re-exports.
    fn resolve(&self, path: &[String], depth: usize) -> Option<PathBuf> {
        if depth > 16 {
            return None;
        }
        let mut module = Vec::new();
        for (i, seg) in path.iter().enumerate() {
            let mut next = module.clone();
            next.push(seg.clone());
            if self.by_module.contains_key(&next) {
                module = next;
                continue;
            }
            // `seg` is an item of `module`: defined there or re-exported.
            let file = self.by_module.get(&module)?;
            let source = &self.sources[file];
            for (public, target, name) in uses(&source.code) {
                if public && name == *seg {
                    let is_mod = is_mod_file(file);
                    let target = match target.first().map(String::as_str) {
                        Some("crate" | "self" | "super") => absolute(&source.module, is_mod, &target)?,
                        _ => [source.module.clone(), target].concat(),
                    };
                    let rest = &path[i + 1..];
                    return self.resolve(&[target, rest.to_vec()].concat(), depth + 1).or(Some(file.clone()));
                }
            }
            return Some(file.clone());
        }
        self.by_module.get(&module).cloned()
    }
}

fn paths_in(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (_, path, _) in uses(code) {
        out.push(path);
    }
    // Inline paths such as `crate::auth::login_command(..)`.
    let bytes = code.as_bytes();
    for start in ["crate::", "super::", "self::"] {
        for (at, _) in code.match_indices(start) {
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_' || bytes[at - 1] == b':') {
                continue;
            }
            let end = code[at..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .map_or(code.len(), |e| at + e);
            let segs: Vec<String> =
                code[at..end].split("::").filter(|s| !s.is_empty()).map(String::from).collect();
            out.push(segs);
        }
    }
    out
}

fn is_mod_file(file: &Path) -> bool {
    file.ends_with("mod.rs") || file == Path::new("lib.rs") || file == Path::new("main.rs")
}

fn graph(src: &Path) -> (BTreeMap<PathBuf, BTreeSet<PathBuf>>, Index) {
    let sources = sources(src);
    let by_module = sources.iter().map(|(p, s)| (s.module.clone(), p.clone())).collect();
    let index = Index { by_module, sources };
    let mut edges: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for (file, source) in &index.sources {
        let is_mod = is_mod_file(file);
        let set = edges.entry(file.clone()).or_default();
        for path in paths_in(&source.code) {
            if path.last().is_some_and(|l| l == "*") {
                continue;
            }
            let Some(abs) = absolute(&source.module, is_mod, &path) else { continue };
            if let Some(target) = index.resolve(&abs, 0) {
                if &target != file {
                    set.insert(target);
                }
            }
        }
    }
    (edges, index)
}

/// Strongly connected components with more than one member (Tarjan).
fn circles<N: Ord + Clone>(edges: &BTreeMap<N, BTreeSet<N>>) -> Vec<Vec<N>> {
    struct State<N> {
        index: BTreeMap<N, usize>,
        low: BTreeMap<N, usize>,
        stack: Vec<N>,
        on_stack: BTreeSet<N>,
        next: usize,
        found: Vec<Vec<N>>,
    }
    fn visit<N: Ord + Clone>(n: &N, edges: &BTreeMap<N, BTreeSet<N>>, s: &mut State<N>) {
        s.index.insert(n.clone(), s.next);
        s.low.insert(n.clone(), s.next);
        s.next += 1;
        s.stack.push(n.clone());
        s.on_stack.insert(n.clone());
        for m in edges.get(n).into_iter().flatten() {
            if !s.index.contains_key(m) {
                visit(m, edges, s);
                let low = s.low[n].min(s.low[m]);
                s.low.insert(n.clone(), low);
            } else if s.on_stack.contains(m) {
                let low = s.low[n].min(s.index[m]);
                s.low.insert(n.clone(), low);
            }
        }
        if s.low[n] == s.index[n] {
            let mut component = Vec::new();
            while let Some(m) = s.stack.pop() {
                s.on_stack.remove(&m);
                let done = &m == n;
                component.push(m);
                if done {
                    break;
                }
            }
            if component.len() > 1 {
                s.found.push(component);
            }
        }
    }
    let mut s = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for n in edges.keys() {
        if !s.index.contains_key(n) {
            visit(n, edges, &mut s);
        }
    }
    s.found
}

fn describe(component: &[PathBuf], edges: &BTreeMap<PathBuf, BTreeSet<PathBuf>>) -> String {
    let members: BTreeSet<&PathBuf> = component.iter().collect();
    let mut lines = Vec::new();
    for from in component {
        for to in edges[from].iter().filter(|t| members.contains(t)) {
            lines.push(format!("  {} -> {}", from.display(), to.display()));
        }
    }
    lines.join("\n")
}

/// What a crate's sources break; empty when they keep every rule.
#[derive(Debug, Default)]
pub struct Findings {
    /// The files read.
    pub files: usize,
    pub file_circles: Vec<String>,
    pub module_circles: Vec<String>,
    /// `a -> b (file -> file)` where `a`'s layer is below `b`'s.
    pub against_the_order: Vec<String>,
    /// Top-level modules the LAYERS file does not name (or names but do not exist).
    pub undeclared: Vec<String>,
}

impl Findings {
    pub fn is_clean(&self) -> bool {
        self.file_circles.is_empty()
            && self.module_circles.is_empty()
            && self.against_the_order.is_empty()
            && self.undeclared.is_empty()
    }

    pub fn report(&self) -> String {
        let mut out = String::new();
        for (title, items) in [
            ("import circles between files", &self.file_circles),
            ("import circles between top-level modules", &self.module_circles),
            ("imports against the declared order", &self.against_the_order),
            ("modules missing from LAYERS, or named there but absent", &self.undeclared),
        ] {
            if !items.is_empty() {
                out.push_str(&format!("{title}:\n{}\n", items.join("\n")));
            }
        }
        out
    }
}

/// The layers a `LAYERS` file declares: one a line, lowest first, modules
/// apart by spaces; `#` starts a comment.
pub fn parse_layers(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or_default())
        .map(|l| l.split_whitespace().map(String::from).collect::<Vec<_>>())
        .filter(|l| !l.is_empty())
        .collect()
}

/// Checks the crate at `crate_dir` (its `src` and its `LAYERS`).
pub fn check(crate_dir: &Path) -> Findings {
    let layers_text = std::fs::read_to_string(crate_dir.join("LAYERS")).unwrap_or_default();
    let layers = parse_layers(&layers_text);
    let level: BTreeMap<&str, usize> =
        layers.iter().enumerate().flat_map(|(i, l)| l.iter().map(move |m| (m.as_str(), i))).collect();
    let (edges, index) = graph(&crate_dir.join("src"));
    let mut findings = Findings { files: edges.len(), ..Findings::default() };
    findings.file_circles = circles(&edges).iter().map(|c| describe(c, &edges)).collect();

    let top = |file: &PathBuf| -> String { index.sources[file].module.first().cloned().unwrap_or_else(|| "root".into()) };
    let mut modules: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut why: BTreeMap<(String, String), String> = BTreeMap::new();
    for (from, tos) in &edges {
        for to in tos {
            let (a, b) = (top(from), top(to));
            if a != b && a != "root" && b != "root" {
                modules.entry(a.clone()).or_default().insert(b.clone());
                why.entry((a, b)).or_insert_with(|| format!("{} -> {}", from.display(), to.display()));
            }
        }
    }
    findings.module_circles = circles(&modules)
        .iter()
        .map(|c| {
            let members: BTreeSet<&String> = c.iter().collect();
            let mut lines = Vec::new();
            for a in c {
                for b in modules[a].iter().filter(|b| members.contains(b)) {
                    lines.push(format!("  {a} -> {b} (e.g. {})", why[&(a.clone(), b.clone())]));
                }
            }
            lines.join("\n")
        })
        .collect();

    let present: BTreeSet<String> = index.sources.values().filter_map(|s| s.module.first().cloned()).collect();
    for module in &present {
        if !level.contains_key(module.as_str()) {
            findings.undeclared.push(format!("  {module} (not in LAYERS)"));
        }
    }
    for module in level.keys() {
        if !present.contains(*module) {
            findings.undeclared.push(format!("  {module} (in LAYERS, no such module)"));
        }
    }
    for ((a, b), example) in &why {
        if let (Some(la), Some(lb)) = (level.get(a.as_str()), level.get(b.as_str())) {
            if la < lb {
                findings.against_the_order.push(format!("  {a} (layer {}) -> {b} (layer {}): {example}", la + 1, lb + 1));
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checker_sees_a_circle_when_there_is_one() {
        let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        edges.entry("a").or_default().insert("b");
        edges.entry("b").or_default().insert("c");
        edges.entry("c").or_default().insert("a");
        edges.entry("d").or_default().insert("a");
        assert_eq!(circles(&edges).len(), 1);
        edges.get_mut("c").map(|s| s.remove("a"));
        assert!(circles(&edges).is_empty());
        let mut found = Vec::new();
        expand("crate::{a::{B, c as D}, E}", &[], &mut found);
        let names: Vec<&str> = found.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, ["B", "D", "E"]);
    }

    #[test]
    fn layers_are_read_lowest_first_without_comments() {
        let layers = parse_layers("# lowest first\nerror service  # the base\n\nhttp\n");
        assert_eq!(layers, vec![vec!["error".to_owned(), "service".to_owned()], vec!["http".to_owned()]]);
    }
}
