//! Each crate of the workspace builds only what its binaries use: a crate listed under
//! `[dependencies]` that no file of its `src/` names (one only its tests use belongs under
//! `[dev-dependencies]`) is compiled into every release build and kept in every audit for nothing.

use std::fs;
use std::path::{Path, PathBuf};

/// The names listed under `[dependencies]` and `[target.'…'.dependencies]` of a manifest.
fn declared(manifest: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_dependencies = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_dependencies = line == "[dependencies]"
                || (line.starts_with("[target.") && line.ends_with(".dependencies]"));
            continue;
        }
        if in_dependencies && let Some((name, _)) = line.split_once(['=', '.']) {
            let name = name.trim();
            if !name.is_empty() && !name.starts_with('#') {
                names.push(name.to_owned());
            }
        }
    }
    names
}

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("a readable src folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn every_normal_dependency_is_used_by_its_crate_s_own_code() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crates folder");
    let mut unused = Vec::new();
    for entry in fs::read_dir(crates).expect("the crates folder").flatten() {
        let dir = entry.path();
        let Ok(manifest) = fs::read_to_string(dir.join("Cargo.toml")) else {
            continue;
        };
        let mut files = Vec::new();
        sources(&dir.join("src"), &mut files);
        let code: String = files
            .iter()
            .map(|file| fs::read_to_string(file).expect("a readable source file"))
            .collect();
        for name in declared(&manifest) {
            let ident = name.replace('-', "_");
            if !code.contains(&format!("{ident}::")) && !code.contains(&format!("use {ident}")) {
                unused.push(format!("{}: {name}", dir.display()));
            }
        }
    }
    assert!(
        unused.is_empty(),
        "declared under [dependencies] but named by no file of the crate's src/ (move to [dev-dependencies] or remove): {unused:#?}"
    );
}
