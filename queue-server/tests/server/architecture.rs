//! The server's layers, kept by a test where no crate boundary keeps them: every path a file
//! under `src/` names (`use crate::…` and inline `crate::…::`) is checked against the
//! allowed edges. Storage holds rows only (it never reaches services, http, api or web),
//! services never reach http, api or web, and the JSON API and the pages are siblings that
//! never import each other. The pure rules are a crate of their own (`lotse-domain`), whose
//! dependencies are checked here too.

use std::path::{Path, PathBuf};

/// Layer → the layers it must never name.
const FORBIDDEN: &[(&str, &[&str])] = &[
    ("storage", &["services", "http", "api", "web"]),
    ("services", &["http", "api", "web"]),
    ("http", &["api", "web"]),
    ("api", &["web"]),
    ("web", &["api"]),
];

/// The one place that may name what its layer otherwise must not: the router composition
/// joins the API's and the pages' routes.
const ALLOWED: &[(&str, &str)] = &[("http/mod.rs", "api"), ("http/mod.rs", "web")];

/// What the domain crate must not depend on: it stays free of I/O.
const NOT_IN_DOMAIN: &[&str] = &["rusqlite", "axum", "hyper", "tokio", "reqwest"];

/// One forbidden edge: the file, its line and the layer it names.
#[derive(Debug, PartialEq)]
struct Edge {
    file: String,
    line: usize,
    from: &'static str,
    to: &'static str,
}

fn source_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            source_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The layer a file belongs to: the first folder under `src/`, or none for the files
/// beside `lib.rs` (the composition root and the edges of the program).
fn layer_of(relative: &Path) -> Option<&'static str> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    FORBIDDEN
        .iter()
        .map(|(layer, _)| *layer)
        .find(|layer| *layer == first && relative.components().count() > 1)
}

/// The layers a line of code names through `crate::…` (in `use` lines, `use crate::{a, b}`
/// groups and inline paths).
fn named_layers(line: &str) -> Vec<&'static str> {
    let code = line.split("//").next().unwrap_or("");
    let mut named = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        let group = rest
            .strip_prefix('{')
            .map(|g| g.split('}').next().unwrap_or(""));
        let heads: Vec<&str> = match group {
            Some(group) => group
                .split(',')
                .map(|part| part.trim().split("::").next().unwrap_or(""))
                .collect(),
            None => vec![
                rest.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap_or(""),
            ],
        };
        for head in heads {
            if let Some((layer, _)) = FORBIDDEN.iter().find(|(layer, _)| *layer == head) {
                named.push(*layer);
            }
        }
    }
    named
}

fn forbidden_edges(src: &Path) -> Vec<Edge> {
    let mut files = Vec::new();
    source_files(src, &mut files);
    files.sort();
    let mut edges = Vec::new();
    for path in files {
        let relative = path.strip_prefix(src).expect("under src");
        let Some(from) = layer_of(relative) else {
            continue;
        };
        let forbidden = FORBIDDEN
            .iter()
            .find(|(layer, _)| *layer == from)
            .map_or(&[][..], |(_, to)| *to);
        let text = std::fs::read_to_string(&path).expect("readable source file");
        for (index, line) in text.lines().enumerate() {
            for to in named_layers(line) {
                let file = relative.display().to_string();
                let allowed = ALLOWED.contains(&(file.as_str(), to));
                if forbidden.contains(&to) && !allowed {
                    edges.push(Edge {
                        file,
                        line: index + 1,
                        from,
                        to,
                    });
                }
            }
        }
    }
    edges
}

#[test]
fn no_layer_names_a_layer_it_must_not() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let edges = forbidden_edges(&src);
    assert!(
        edges.is_empty(),
        "forbidden edges between the server's layers:\n{}",
        edges
            .iter()
            .map(|e| format!("  src/{}:{}: {} → {}", e.file, e.line, e.from, e.to))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_check_sees_plain_grouped_and_inline_paths() {
    assert_eq!(named_layers("use crate::http::AppState;"), ["http"]);
    assert_eq!(
        named_layers("use crate::{api::tickets, storage::Store};"),
        ["api", "storage"]
    );
    assert_eq!(
        named_layers("    let e = crate::web::routes(); // crate::api::x"),
        ["web"]
    );
    assert!(named_layers("use crate::domain::DomainError;").is_empty());
    assert_eq!(layer_of(Path::new("storage/mod.rs")), Some("storage"));
    assert_eq!(layer_of(Path::new("lib.rs")), None);
}

#[test]
fn the_domain_crate_depends_on_no_io() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("domain/Cargo.toml");
    let text = std::fs::read_to_string(manifest).expect("the domain crate's manifest");
    let manifest: toml::Table = text.parse().expect("a TOML manifest");
    let dependencies = manifest
        .get("dependencies")
        .and_then(toml::Value::as_table)
        .expect("a [dependencies] table");
    for name in NOT_IN_DOMAIN {
        assert!(
            !dependencies.contains_key(*name),
            "lotse-domain must not depend on {name}"
        );
    }
}

/// Names storage must never use although its layer may import their modules: the caller of
/// a request is the http layer's (storage returns rows — a device's kind and name, a
/// session's account — and http makes the caller of them); and the domain's rules are asked
/// by the services, never by storage (whom a desk calls, a stop's next status, the
/// estimates, which concern waits now, whether a service issues, who reads a note).
const NOT_IN_STORAGE: &[&str] = &[
    "Caller",
    "choose_next",
    "choose_for_desk",
    "choose_callable",
    "transition",
    "for_service",
    "visit_minutes",
    "concern_now",
    "to_join",
    "availability",
    "readable_agency",
    "check_account",
    "channel_of",
];

#[test]
fn storage_returns_rows_and_asks_no_rule() {
    let storage = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/storage");
    let mut files = Vec::new();
    source_files(&storage, &mut files);
    let mut found = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable source file");
        for (index, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let words = code.split(|c: char| !(c.is_alphanumeric() || c == '_'));
            for word in words.filter(|word| NOT_IN_STORAGE.contains(word)) {
                found.push(format!("  {}:{}: {word}", path.display(), index + 1));
            }
        }
    }
    assert!(found.is_empty(), "storage names:\n{}", found.join("\n"));
}
