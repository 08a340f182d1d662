//! Writing results: stdout, or a file written atomically (a temporary file in the
//! same directory, then a rename) and never over one of the run's inputs.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

/// Write `bytes` to `target` (stdout when `None`). `inputs` are the files the run read.
pub fn write_output(target: Option<&Path>, bytes: &[u8], inputs: &[PathBuf]) -> anyhow::Result<()> {
    let Some(target) = target else {
        let mut stdout = std::io::stdout().lock();
        return match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
            // A closed pipe (`sattrace … | head`) is not an error of ours.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other.context("cannot write to stdout"),
        };
    };
    if let Ok(resolved) = target.canonicalize() {
        for input in inputs {
            if input.canonicalize().is_ok_and(|i| i == resolved) {
                bail!(
                    "refusing to write the output over the input file `{}`\n  help: choose another path for -o",
                    target.display()
                );
            }
        }
    }
    let directory = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = target
        .file_name()
        .with_context(|| format!("`{}` is not a file path", target.display()))?;
    let temporary = directory.join(format!(
        ".{}.{}.tmp",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let result = std::fs::write(&temporary, bytes)
        .and_then(|()| std::fs::rename(&temporary, target))
        .with_context(|| format!("cannot write `{}`", target.display()));
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}
