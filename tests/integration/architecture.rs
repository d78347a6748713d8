//! The module map in `src/lib.rs` holds: each top-level module of `src/` imports only modules
//! below it in [`LAYERS`], so there is no import cycle, sources and the store never import each
//! other, and the message layer sits under both.

use std::path::{Path, PathBuf};

/// The top-level modules, bottom up.
const LAYERS: &[&str] = &[
    "model",
    "clock",
    "window",
    "format",
    "sanitize",
    "textfile",
    "lambda_log",
    "message",
    "diag",
    "analytics",
    "store",
    "figures",
    "poll",
    "source",
    "tui",
    "snapshot",
    "tail",
    "cli",
    "sdk_trace",
    "config",
    "sdk_trace",
    "app",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file, without comments and without its unit tests (which may reach anywhere).
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn modules_import_only_the_layers_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    let mut checked = 0;
    for path in files {
        let rel = path.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if top == "tests" || rel.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let Some(level) = LAYERS.iter().position(|m| *m == top) else {
            assert!(
                ["lib", "main"].contains(&top.as_str()),
                "{} is not in the module map",
                rel.display()
            );
            continue;
        };
        checked += 1;
        let code = code(&path);
        for (i, _) in code.match_indices("crate::") {
            let name: String = code[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if let Some(target) = LAYERS.iter().position(|m| *m == name)
                && target > level
            {
                wrong.push(format!("{} imports {name}", rel.display()));
            }
        }
    }
    assert!(checked > 50, "only {checked} files read");
    wrong.sort();
    wrong.dedup();
    assert!(
        wrong.is_empty(),
        "imports against the module map: {wrong:#?}"
    );
}
