//! `sattrace check`: lint models, rule files and scenarios for CI.
//!
//! Exit 0 when clean, 1 on findings (errors, or warnings with `--fail-on warning`),
//! 2 when it could not run (bad arguments, a path that does not exist).

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;

use super::Exit;
use sattrace::check::render::{counts, render_diagnostics, CheckFormat};
use sattrace::check::{check, CheckOptions, Kind, Source, MAX_FILE_BYTES};
use sattrace::model::{parse_date, Day};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Project directories, model files, rule directories or rule files.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_parser = super::values::parser::<CheckFormat>(), default_value = "human")]
    pub format: CheckFormat,
    /// The lowest severity that fails the run (exit 1).
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
    /// Also check this survey's header against the model.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// The day due dates are compared with (YYYY-MM-DD; default: today's date, UTC).
    #[arg(long, value_parser = parse_day)]
    pub today: Option<Day>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
}

fn parse_day(text: &str) -> Result<Day, String> {
    parse_date(text).ok_or_else(|| format!("`{text}` is not a date: write YYYY-MM-DD"))
}

pub fn run(args: &CheckArgs) -> anyhow::Result<Exit> {
    let mut sources = Vec::new();
    for path in &args.paths {
        collect(path, &mut sources)?;
    }
    if sources.is_empty() {
        bail!("nothing to check in {}\n  help: pass a project directory (with model.yaml, rules/, scenarios/), a model file or rule files", shown(&args.paths));
    }
    let named = match &args.data {
        Some(_) => NamedSurvey::None,
        None => project_survey(&args.paths),
    };
    let data = match (&args.data, &named) {
        (Some(path), _) | (None, NamedSurvey::Found(path)) => {
            Some((path.display().to_string(), read_head(path)?))
        }
        _ => None,
    };
    let options = CheckOptions {
        today: Some(args.today.unwrap_or_else(system_today)),
        data,
    };
    let mut diagnostics = check(&sources, &options);
    if let NamedSurvey::Missing(finding) = named {
        diagnostics.push(*finding);
        sattrace::diag::sort_diagnostics(&mut diagnostics);
    }
    let color = args.format == CheckFormat::Human && std::io::stdout().is_terminal();
    let mut bytes = Vec::new();
    render_diagnostics(args.format, &diagnostics, &sources, color, &mut bytes)?;
    super::output::write_output(None, &bytes, &[])?;
    let (errors, warnings) = counts(&diagnostics);
    let failed = errors > 0 || (args.fail_on == FailOn::Warning && warnings > 0);
    Ok(if failed { Exit::Findings } else { Exit::Ok })
}

/// The survey a project's model names, as `check DIR` finds it.
enum NamedSurvey {
    /// No single project directory, no loadable model, or no `data:`.
    None,
    /// The file, inside the project: its header is checked as `analyze` reads it.
    Found(PathBuf),
    /// `data:` names a file that is not there (or lies outside the project).
    Missing(Box<sattrace::diag::Diagnostic>),
}

/// The survey a project directory's model names (`data:`), when `check DIR` is given
/// one directory and no `--data`. A model that does not load is reported by check
/// itself.
fn project_survey(paths: &[PathBuf]) -> NamedSurvey {
    let [dir] = paths else {
        return NamedSurvey::None;
    };
    let model_path = dir.join("model.yaml");
    let file = model_path.display().to_string();
    let Ok(text) = std::fs::read_to_string(&model_path) else {
        return NamedSurvey::None;
    };
    let Ok(model) = sattrace::model::load_model(&file, &text) else {
        return NamedSurvey::None;
    };
    let Some(data) = model.data.as_ref() else {
        return NamedSurvey::None;
    };
    let path = dir.join(data);
    let inside = match (dir.canonicalize(), path.canonicalize()) {
        (Ok(root), Ok(found)) => found.starts_with(root) && found.is_file(),
        _ => false,
    };
    if inside {
        return NamedSurvey::Found(path);
    }
    // `data:` is a top-level key: its line is the one that starts with it.
    let (line, column) = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| {
            l.strip_prefix("data:").map(|rest| {
                (
                    i as u64 + 1,
                    6 + (rest.len() - rest.trim_start().len()) as u64,
                )
            })
        })
        .unwrap_or((0, 0));
    let finding = sattrace::diag::Diagnostic::error(
        sattrace::diag::Code::UnknownReference,
        &sattrace::diag::Loc::new(&file, line, column),
        format!("`data: {data}` names no file in the project"),
    )
    .with_help("put the survey next to model.yaml, fix the name, or pass `--data FILE`");
    NamedSurvey::Missing(Box::new(finding))
}

fn shown(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| format!("`{}`", p.display()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Add the files at `path`: a project directory (model.yaml, rules/, scenarios/),
/// a directory of rule files (or of scenarios, when named `scenarios`), or one file.
pub(super) fn collect(path: &Path, sources: &mut Vec<Source>) -> anyhow::Result<()> {
    if path.is_dir() {
        let model = path.join("model.yaml");
        if model.is_file() {
            sources.push(read(Kind::Model, &model)?);
            for (dir, kind) in [("rules", Kind::Rules), ("scenarios", Kind::Scenario)] {
                let dir = path.join(dir);
                if dir.is_dir() {
                    for file in rule_dir_files(&dir, kind)? {
                        sources.push(read(kind, &file)?);
                    }
                }
            }
        } else {
            let kind = if path.file_name().is_some_and(|n| n == "scenarios") {
                Kind::Scenario
            } else {
                Kind::Rules
            };
            for file in rule_dir_files(path, kind)? {
                sources.push(read(kind, &file)?);
            }
        }
        Ok(())
    } else if path.is_file() {
        let bytes = read_bytes(path)?;
        let kind = kind_of(path, &bytes);
        sources.push(Source::new(kind, path.display().to_string(), bytes));
        Ok(())
    } else {
        bail!("no file or directory at `{}`", path.display())
    }
}

/// A file's kind from its name, its directory, then its first top-level key.
fn kind_of(path: &Path, bytes: &[u8]) -> Kind {
    if path
        .file_name()
        .is_some_and(|n| n == "model.yaml" || n == "model.yml")
    {
        return Kind::Model;
    }
    if path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|n| n == "scenarios")
    {
        return Kind::Scenario;
    }
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]);
    for line in text.lines() {
        let key = line.split(':').next().unwrap_or_default();
        if line.starts_with(|c: char| c.is_whitespace() || c == '#') {
            continue;
        }
        match key {
            "drivers" | "segments" | "primary_outcome" => return Kind::Model,
            "set" | "shift" | "where" => return Kind::Scenario,
            "rules" => return Kind::Rules,
            _ => {}
        }
    }
    Kind::Rules
}

fn read(kind: Kind, path: &Path) -> anyhow::Result<Source> {
    Ok(Source::new(
        kind,
        path.display().to_string(),
        read_bytes(path)?,
    ))
}

/// The file's bytes; a file over the limit is read only far enough to say so.
fn read_bytes(path: &Path) -> anyhow::Result<Vec<u8>> {
    let file = super::writer::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    Ok(bytes)
}

/// The first mebibyte of the survey: enough for any header.
fn read_head(path: &Path) -> anyhow::Result<Vec<u8>> {
    let file = super::writer::open(path)?;
    let mut bytes = Vec::new();
    // A workbook is a zip archive (or compound file) read whole; a CSV's header is at
    // its start.
    let name = path.display().to_string();
    let workbook = sattrace::data::WorkbookKind::of_name(&name).is_some();
    // An SPSS dictionary (names, labels, value labels) comes before the cases.
    let limit = if workbook {
        256 << 20
    } else if sattrace::data::is_sav_name(&name) {
        64 << 20
    } else {
        1 << 20
    };
    file.take(limit)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    Ok(bytes)
}

/// The files of a directory: for rules, `*.yaml` then the helper library
/// `lib/*.rhai` (as `test` and `analyze` load it, so its functions are known).
fn rule_dir_files(dir: &Path, kind: Kind) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = files_with(dir, &["yaml", "yml"])?;
    let lib = dir.join("lib");
    if kind == Kind::Rules && lib.is_dir() {
        files.extend(files_with(&lib, &["rhai"])?);
    }
    Ok(files)
}

/// Files directly in `dir` with one of `extensions`, sorted by name. A symbolic
/// link is followed only when it stays inside `dir`: a rule file linked to
/// `/etc/passwd` would otherwise have its lines printed in snippets.
fn files_with(dir: &Path, extensions: &[&str]) -> anyhow::Result<Vec<PathBuf>> {
    let root = dir
        .canonicalize()
        .with_context(|| format!("cannot read `{}`", dir.display()))?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read `{}`", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .is_some_and(|e| extensions.iter().any(|x| e == *x))
        })
        .filter(|p| {
            let linked = p
                .symlink_metadata()
                .is_ok_and(|m| m.file_type().is_symlink());
            !linked || p.canonicalize().is_ok_and(|t| t.starts_with(&root))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Today's date (UTC) from the system clock.
pub(super) fn system_today() -> Day {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_from_days(i64::try_from(seconds / 86_400).unwrap_or(0))
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 → (year, month, day).
fn civil_from_days(days: i64) -> Day {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        i32::try_from(year).unwrap_or(i32::MAX),
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_454), (2026, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
