//! The one way any command writes a file: guarded and atomic.
//!
//! Every file the run reads is noted here (`note_input`, `read_bytes`, `open`), so
//! a write whose target is one of them — by canonical path, or the same file under
//! another name (a hard link) — is refused before a byte is written. The bytes go
//! to a temporary file in the target's directory, then a rename: a crash or a full
//! disk leaves the old file whole.

use super::lang::{ContextIn, Said};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// Canonical paths of every file read so far in this process.
static READ: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// Remember that `path` is an input of this run. A directory adds nothing: the
/// files read from it are noted one by one as they are read.
pub fn note_input(path: &Path) {
    if let Ok(canonical) = path.canonicalize() {
        if canonical.is_file() {
            READ.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(canonical);
        }
    }
}

/// Read a whole input file, noting it.
pub fn read_bytes(path: &Path) -> anyhow::Result<Vec<u8>> {
    note_input(path);
    std::fs::read(path).with_context_in(|| cannot_read(path))
}

/// Open an input file for streaming, noting it.
pub fn open(path: &Path) -> anyhow::Result<std::fs::File> {
    note_input(path);
    std::fs::File::open(path).with_context_in(|| cannot_read(path))
}

/// The input `target` would overwrite, if any: `extra` (files the caller names)
/// and every file read so far.
fn clobbered(target: &Path, extra: &[PathBuf]) -> Option<PathBuf> {
    let resolved = target.canonicalize().ok()?;
    let read = READ.lock().unwrap_or_else(PoisonError::into_inner);
    let mut candidates: Vec<PathBuf> = read.iter().cloned().collect();
    drop(read);
    candidates.extend(extra.iter().filter_map(|p| p.canonicalize().ok()));
    candidates
        .into_iter()
        .find(|input| *input == resolved || same_file(input, &resolved))
}

/// Two names of one file (hard links) compare equal by device and inode.
#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &Path, _: &Path) -> bool {
    false
}

/// Write `bytes` to `target` atomically, never over an input of the run.
/// `flag` names the option that chose the path, for the hint (`-o`, `--junit`).
pub fn write_file(
    target: &Path,
    bytes: &[u8],
    extra: &[PathBuf],
    flag: &str,
) -> anyhow::Result<()> {
    if target.is_dir() {
        return Err(Said::error(
            format!(
                "`{}` is a directory, not a file\n  help: give {flag} a file path",
                target.display()
            ),
            format!(
                "`{}` 是目录，不是文件\n  提示：{flag} 需要一个文件路径",
                target.display()
            ),
        ));
    }
    if let Some(input) = clobbered(target, extra) {
        return Err(Said::error(
            format!(
                "refusing to write over `{}`: it is an input of this run (`{}`)\n  help: choose another path for {flag}",
                target.display(),
                input.display()
            ),
            format!(
                "不会覆盖 `{}`：它是本次运行的输入文件（`{}`）\n  提示：请为 {flag} 换一个路径",
                target.display(),
                input.display()
            ),
        ));
    }
    let directory = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = target.file_name().ok_or_else(|| {
        Said::error(
            format!("`{}` is not a file path", target.display()),
            format!("`{}` 不是文件路径", target.display()),
        )
    })?;
    let temporary = directory.join(format!(
        ".{}.{}.tmp",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let result = std::fs::write(&temporary, bytes)
        .and_then(|()| std::fs::rename(&temporary, target))
        .with_context_in(|| {
            (
                format!("cannot write `{}`", target.display()),
                format!("无法写入 `{}`", target.display()),
            )
        });
    if result.is_err() {
        // Best effort: the temporary file is ours and useless after a failure.
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// "cannot read `path`" in both languages.
pub fn cannot_read(path: &Path) -> (String, String) {
    (
        format!("cannot read `{}`", path.display()),
        format!("无法读取 `{}`", path.display()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_file_read_earlier_and_keeps_it_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = dir.path().join("model.yaml");
        std::fs::write(&input, "nodes: []\n").expect("write");
        read_bytes(&input).expect("read");
        let error = write_file(&input, b"<xml/>", &[], "--junit").expect_err("refused");
        assert!(error.to_string().contains("input of this run"), "{error}");
        assert_eq!(
            std::fs::read_to_string(&input).expect("read"),
            "nodes: []\n"
        );
    }

    #[test]
    fn refuses_another_name_of_an_input() {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = dir.path().join("survey.csv");
        std::fs::write(&input, "a\n1\n").expect("write");
        let link = dir.path().join("alias.csv");
        std::fs::hard_link(&input, &link).expect("link");
        let odd = dir.path().join(".").join("survey.csv");
        assert!(write_file(&link, b"x", std::slice::from_ref(&input), "-o").is_err());
        assert!(write_file(&odd, b"x", std::slice::from_ref(&input), "-o").is_err());
        assert_eq!(std::fs::read_to_string(&input).expect("read"), "a\n1\n");
    }

    #[test]
    fn writes_a_new_file_and_replaces_an_old_output() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out.json");
        write_file(&out, b"1", &[], "-o").expect("first");
        write_file(&out, b"2", &[], "-o").expect("second");
        assert_eq!(std::fs::read_to_string(&out).expect("read"), "2");
        let left: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
    }
}
