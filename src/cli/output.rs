//! Writing results: stdout, or a file through the one guarded, atomic writer
//! (`super::writer`), never over one of the run's inputs.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

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
    super::writer::write_file(target, bytes, inputs, "-o")
}
