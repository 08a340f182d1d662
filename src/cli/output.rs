//! Writing results: stdout, or a file through the one guarded, atomic writer
//! (`super::writer`), never over one of the run's inputs.

use super::lang::ContextIn;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Write `bytes` to `target` (stdout when `None`). `inputs` are the files the run read.
pub fn write_output(target: Option<&Path>, bytes: &[u8], inputs: &[PathBuf]) -> anyhow::Result<()> {
    let Some(target) = target else {
        let mut stdout = std::io::stdout().lock();
        return match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
            // A closed pipe (`sattrace … | head`) is not an error of ours.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other.context_in("cannot write to stdout", "无法写入标准输出"),
        };
    };
    super::writer::write_file(target, bytes, inputs, "-o")
}

/// A binary format (`.xlsx`) goes to a file only: on a terminal it is noise, and
/// a pipe rarely wants it. Refused before any work, in the run's language.
pub fn refuse_binary_on_stdout(
    target: Option<&Path>,
    lang: sattrace::model::Lang,
) -> anyhow::Result<()> {
    if target.is_some() {
        return Ok(());
    }
    anyhow::bail!(match lang {
        sattrace::model::Lang::Zh =>
            "--format xlsx 生成的是二进制工作簿，不能写到标准输出\n  help: 用 -o 指定文件，例如 -o 结果.xlsx",
        sattrace::model::Lang::En =>
            "--format xlsx makes a binary workbook, which is not written to stdout\n  help: name a file with -o, for example -o results.xlsx",
    })
}

/// `--table` and `--bom` shape a CSV: refused with any other `--format`.
pub fn refuse_csv_flags_without_csv(
    csv: bool,
    table: bool,
    bom: bool,
    lang: sattrace::model::Lang,
) -> anyhow::Result<()> {
    if csv || !(table || bom) {
        return Ok(());
    }
    let flag = if table { "--table" } else { "--bom" };
    anyhow::bail!(match lang {
        sattrace::model::Lang::Zh =>
            format!("{flag} 只用于 --format csv\n  help: 加上 --format csv，或去掉 {flag}"),
        sattrace::model::Lang::En =>
            format!("{flag} only applies to --format csv\n  help: add --format csv, or drop {flag}"),
    });
}
