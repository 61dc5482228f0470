//! Issue 14: no import circles. The modules of the core and of the app depend on each other in
//! one direction only (STYLE.md "One home per concern"): a module that imports another which
//! imports it back is a concern with two homes. Test code (`#[cfg(test)]` to the end of a file,
//! where our tests live) may use anything.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(path) = todo.pop() {
        if path.is_dir() {
            todo.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.extension().and_then(|e| e.to_str()) == Some("rs") {
            found.push(path);
        }
    }
    found
}

/// The files (and folders) of modules declared only for tests (`#[cfg(test)] mod name;`).
fn test_only(files: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(path).unwrap();
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        let name = path.file_stem().unwrap().to_string_lossy();
        let dir = if matches!(name.as_ref(), "mod" | "lib" | "main") {
            path.parent().unwrap().to_path_buf()
        } else {
            path.with_extension("")
        };
        for pair in lines.windows(2) {
            if pair[0] != "#[cfg(test)]" {
                continue;
            }
            let Some(module) = pair[1]
                .trim_start_matches("pub(crate) ")
                .trim_start_matches("pub ")
                .strip_prefix("mod ")
                .and_then(|m| m.strip_suffix(';'))
            else {
                continue;
            };
            out.push(dir.join(format!("{module}.rs")));
            out.push(dir.join(module));
        }
    }
    out
}

/// Each top-level module of the crate at `src` and the top-level modules its code names.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let files = rust_files(src);
    let tests = test_only(&files);
    let reexports = root_reexports(src);
    for path in files {
        if tests.iter().any(|t| path.starts_with(t)) {
            continue;
        }
        let relative = path.strip_prefix(src).unwrap();
        // The file's module path: `a/inner.rs` is [a, inner], `a/mod.rs` is [a].
        let mut module_path: Vec<String> = relative
            .components()
            .map(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_string()
            })
            .collect();
        if module_path.last().is_some_and(|l| l == "mod") {
            module_path.pop();
        }
        let module = module_path[0].clone();
        if module == "lib" || module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // Test modules (`#[cfg(test)] mod …`, at the end of a file by convention) are left out;
        // a single test-only statement is not a module and does not end the file's code.
        let code = text
            .match_indices("#[cfg(test)]")
            .find(|(i, _)| {
                let rest = text[i + "#[cfg(test)]".len()..].trim_start();
                rest.starts_with("mod ") || rest.starts_with("pub(crate) mod ")
            })
            .map_or(text.as_str(), |(i, _)| &text[..i]);
        let mut names: Vec<String> = Vec::new();
        for (i, _) in code.match_indices("crate::") {
            names.extend(first_segments(&code[i + "crate::".len()..]));
        }
        // `super::super::x` from `a/inner.rs` reaches the crate root, then `x`.
        for (i, _) in code.match_indices("super::") {
            if code[..i].ends_with("::") || code[..i].ends_with("super") {
                continue;
            }
            let mut rest = &code[i..];
            let mut ups = 0;
            while let Some(r) = rest.strip_prefix("super::") {
                ups += 1;
                rest = r;
            }
            if ups >= module_path.len() {
                names.extend(first_segments(rest));
            }
        }
        let uses = graph.entry(module.clone()).or_default();
        for name in names {
            let name = reexports.get(&name).cloned().unwrap_or(name);
            if !name.is_empty()
                && name != module
                && name.chars().next().is_some_and(|c| c.is_lowercase())
            {
                uses.insert(name);
            }
        }
    }
    graph
}

/// The first segment of each path a `use` names at this point: `a::b` gives `a`;
/// `{a::{b, c}, d}` gives `a` and `d` (nested groups included).
fn first_segments(rest: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .next()
            .unwrap_or_default()
            .to_string()
    };
    let Some(group) = rest.strip_prefix('{') else {
        return vec![ident(rest)];
    };
    let mut out = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                out.push(ident(&group[start..i]));
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(ident(&group[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    out
}

/// Names the crate root re-exports (`pub use snapshot::Snapshot;`), by the module they come from.
fn root_reexports(src: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for root in ["lib.rs", "main.rs"] {
        let Ok(text) = std::fs::read_to_string(src.join(root)) else {
            continue;
        };
        for line in text.lines().map(str::trim) {
            let Some(path) = line
                .strip_prefix("pub use ")
                .and_then(|l| l.strip_suffix(';'))
            else {
                continue;
            };
            let module = path.split("::").next().unwrap_or_default().to_string();
            let tail = path.rsplit("::").next().unwrap_or_default();
            let names: Vec<&str> = match tail.strip_prefix('{') {
                Some(g) => g.trim_end_matches('}').split(',').map(str::trim).collect(),
                None => path.split("::").skip(1).last().into_iter().collect(),
            };
            for n in names {
                out.insert(n.to_string(), module.clone());
            }
        }
    }
    out
}

/// A circle of imports, if there is one.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut c = path[at..].to_vec();
            c.push(node.to_string());
            return Some(c);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

fn crate_src(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

#[test]
fn the_core_has_no_import_circle() {
    let g = graph(&crate_src("src"));
    assert!(g.contains_key("propagation") && g.contains_key("providers"));
    if let Some(c) = circle(&g) {
        panic!("import circle in the core: {}", c.join(" → "));
    }
}

#[test]
fn the_app_has_no_import_circle() {
    let g = graph(&crate_src("../src"));
    assert!(g.contains_key("persist") && g.contains_key("commands"));
    // The store depends on the model and the core, never on the commands.
    assert!(!g["persist"].contains("commands"), "{:?}", g["persist"]);
    if let Some(c) = circle(&g) {
        panic!("import circle in the app: {}", c.join(" → "));
    }
}

#[test]
fn the_circle_finder_finds_a_circle() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    g.entry("c".into()).or_default().insert("a".into());
    assert_eq!(circle(&g).unwrap().len(), 4);
    g.get_mut("c").unwrap().clear();
    assert!(circle(&g).is_none());
}

// ---- Issue 14 break tests: the import graph's blind spots. ----
//
// User-visible harm: none directly; the harm is that a circle the issue set out to remove can
// come back while `the_core_has_no_import_circle` stays green, because the graph never sees
// the import. Each case below is a real way Rust code names another top-level module.

/// A throwaway crate `src` with `files` (path, text), and its graph.
fn graph_of(name: &str, files: &[(&str, &str)]) -> BTreeMap<String, BTreeSet<String>> {
    let root = std::env::temp_dir().join(format!("mxd-layering-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let g = graph(&root);
    let _ = std::fs::remove_dir_all(&root);
    g
}

#[test]
fn break_the_graph_sees_a_module_named_inside_a_nested_use_group() {
    // `dns` is named after a nested group: the parser stops at the first `}`.
    let g = graph_of(
        "nested",
        &[
            ("lib.rs", "pub mod a;\npub mod diagnose;\npub mod dns;\n"),
            ("a.rs", "use crate::{diagnose::{Code, Finding}, dns};\n"),
            ("diagnose.rs", "pub struct Code; pub struct Finding;\n"),
            ("dns.rs", "use crate::a;\n"),
        ],
    );
    assert!(g["a"].contains("dns"), "a → dns missed: {:?}", g["a"]);
    assert!(circle(&g).is_some(), "a → dns → a is a circle");
}

#[test]
fn break_the_graph_sees_a_module_reached_with_super_super() {
    // `src/a/inner.rs` naming `super::super::b` imports the top-level module `b`.
    let g = graph_of(
        "super",
        &[
            ("lib.rs", "pub mod a;\npub mod b;\n"),
            ("a/mod.rs", "mod inner;\n"),
            ("a/inner.rs", "use super::super::b::Thing;\n"),
            ("b.rs", "pub struct Thing;\nuse crate::a;\n"),
        ],
    );
    assert!(g["a"].contains("b"), "a → b missed: {:?}", g["a"]);
}

#[test]
fn break_the_graph_sees_a_module_reached_through_a_root_re_export() {
    // lib.rs re-exports `snapshot::Snapshot`; `crate::Snapshot` (used in the core today, see
    // diagnose/servers.rs) is an import of `snapshot`, but capitals are skipped.
    let g = graph_of(
        "reexport",
        &[
            (
                "lib.rs",
                "pub mod a;\npub mod snapshot;\npub use snapshot::Snapshot;\n",
            ),
            ("a.rs", "pub fn f(_: &crate::Snapshot) {}\n"),
            ("snapshot.rs", "pub struct Snapshot;\nuse crate::a;\n"),
        ],
    );
    assert!(
        g["a"].contains("snapshot"),
        "a → snapshot missed: {:?}",
        g["a"]
    );
}
