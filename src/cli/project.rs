//! Finding and reading a project's files: `model.yaml`, its survey or moments
//! table (the one place that chooses between them), `rules/*.yaml`.

use super::lang::{ContextIn, Said};
use std::path::{Path, PathBuf};

use clap::Args;

use sattrace::data::{Encoding, OnInvalid, Survey};
use sattrace::graph::DriverGraph;
use sattrace::model::{load_model, Model};
use sattrace::moments::{Layout, MomentsTable};

/// Where a project's files are; shared by every subcommand that reads a project.
#[derive(Debug, Clone, Args)]
pub struct ProjectArgs {
    /// Project directory holding model.yaml, rules/ and the survey.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The model file (default: DIR/model.yaml).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// The survey CSV (default: the model's `data:`, relative to the model).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Rule directories or files (default: DIR/rules, else the built-in pack).
    #[arg(long = "rules")]
    pub rules: Vec<PathBuf>,
    /// Never use the built-in rule pack: without rules of the project's own, no
    /// actions are recommended.
    #[arg(long)]
    pub no_default_rules: bool,
    /// Survey file encoding; `auto` reads UTF-8 and falls back to GB18030 (GBK).
    #[arg(long, value_parser = super::values::parser::<Encoding>(), default_value = "auto")]
    pub encoding: Encoding,
    /// What to do with values outside their scale or not numbers.
    #[arg(long, value_parser = super::values::parser::<OnInvalid>(), default_value = "error")]
    pub on_invalid: OnInvalid,
    /// Analyse a moments table (`sattrace moments`, or the query of `sattrace sql`)
    /// instead of reading the survey.
    #[arg(long, value_name = "FILE")]
    pub moments: Option<PathBuf>,
}

/// Where a project's survey comes from, decided once when the project is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// A survey file read in one pass (CSV, workbook or SPSS).
    Survey,
    /// A moments table (`--moments FILE`): per-cell moments, no respondent rows.
    Moments,
}

/// What a command reads from the survey beyond each cell's moments.
#[derive(Debug, Clone, Copy, Default)]
pub struct Needs {
    /// Respondent rows (bootstrap, respondent-level what-if).
    pub respondents: bool,
    /// Item rows (the PLS bootstrap).
    pub items: bool,
    /// Item moments (PLS, corrected effects); a moments table has them already.
    pub item_moments: bool,
    /// The rows asked for are required, so a moments table is refused; otherwise
    /// a table is read without them (a what-if on it runs in aggregate mode).
    pub rows_required: bool,
    /// A progress bar over the bytes read.
    pub progress: bool,
}

/// A loaded, validated project.
pub struct Project {
    pub model: Model,
    pub graph: DriverGraph,
    /// The survey file, or the moments table when `input` is [`Input::Moments`].
    pub data_path: PathBuf,
    pub input: Input,
    pub encoding: Encoding,
    pub on_invalid: OnInvalid,
    /// Rule files as (name for messages, text); empty means the built-in pack.
    pub rule_files: Vec<(String, String)>,
    /// Every file read, so outputs never overwrite one.
    pub inputs: Vec<PathBuf>,
}

/// Read a text file written by a person: UTF-8, BOM tolerated.
pub fn read_text(path: &Path) -> anyhow::Result<String> {
    let bytes = super::writer::read_bytes(path)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            Err(Said::error(
                format!(
                    "{}:{line}: the file is not UTF-8\n  help: save it as UTF-8 (YAML files must be UTF-8)",
                    path.display()
                ),
                format!(
                    "{}:{line}: 文件不是 UTF-8 编码\n  提示：请另存为 UTF-8（YAML 文件必须是 UTF-8）",
                    path.display()
                ),
            ))
        }
    }
}

impl ProjectArgs {
    pub fn load(&self) -> anyhow::Result<Project> {
        let model_path = self
            .model
            .clone()
            .unwrap_or_else(|| self.dir.join("model.yaml"));
        if !model_path.is_file() {
            return Err(no_model(&model_path));
        }
        let model_name = model_path.display().to_string();
        // Typed errors (not text), so they can be printed in the run's language.
        let model = load_model(&model_name, &read_text(&model_path)?)?;
        let graph = DriverGraph::build(&model)?;
        let data_path = match (&self.data, &model.data) {
            // A moments table stands in for the survey.
            (_, _) if self.moments.is_some() => self.moments.clone().unwrap_or_default(),
            (Some(data), _) => data.clone(),
            (None, Some(data)) => model_path.parent().unwrap_or(Path::new(".")).join(data),
            (None, None) => return Err(Said::error(
                format!("{model_name}: the model names no survey file\n  help: add `data: survey.csv` to the model, or pass --data FILE"),
                format!("{model_name}: 模型没有指定问卷数据文件\n  提示：在模型中加上 `data: survey.csv`，或使用 --data FILE"),
            )),
        };
        let mut inputs = vec![model_path.clone(), data_path.clone()];
        let rule_paths = if self.rules.is_empty() {
            let default = self.dir.join("rules");
            if default.is_dir() {
                rule_files_in(&default)?
            } else {
                Vec::new()
            }
        } else {
            let mut paths = Vec::new();
            for path in &self.rules {
                if path.is_dir() {
                    paths.extend(rule_files_in(path)?);
                } else if path.is_file() {
                    paths.push(path.clone());
                } else {
                    return Err(no_rules_at(path));
                }
            }
            paths
        };
        let mut rule_files = Vec::new();
        for path in rule_paths {
            rule_files.push((path.display().to_string(), read_text(&path)?));
            inputs.push(path);
        }
        // The survey (or moments table) belongs to the run even when this command
        // does not read it: no output may replace it.
        for path in &inputs {
            super::writer::note_input(path);
        }
        Ok(Project {
            model,
            graph,
            data_path,
            input: if self.moments.is_some() {
                Input::Moments
            } else {
                Input::Survey
            },
            encoding: self.encoding,
            on_invalid: self.on_invalid,
            rule_files,
            inputs,
        })
    }
}

impl Project {
    /// Read the project's survey, whichever input it has: the one place that
    /// chooses between a survey pass and a moments table.
    pub fn read_survey(&self, needs: Needs) -> anyhow::Result<Survey> {
        if self.input == Input::Moments {
            if needs.rows_required && needs.items {
                return Err(needs_rows("--method pls (item rows)"));
            }
            if needs.rows_required && needs.respondents {
                return Err(needs_rows("--bootstrap"));
            }
            return survey_from_table(self, &self.data_path, self.on_invalid);
        }
        let options = sattrace::data::IngestOptions {
            encoding: self.encoding,
            on_invalid: self.on_invalid,
            keep_respondents: needs.respondents,
            keep_items: needs.items,
            item_moments: needs.item_moments,
        };
        ingest_file(self, &options, needs.progress)
    }

    /// Whether the survey is a moments table (no respondent rows).
    pub fn is_table(&self) -> bool {
        self.input == Input::Moments
    }
}

/// Read the project's survey file in one pass: a workbook (`.xlsx`, `.xls`, `.ods`)
/// by its extension, else CSV, streamed under a progress bar when `progress`.
pub fn ingest_file(
    project: &Project,
    options: &sattrace::data::IngestOptions,
    progress: bool,
) -> anyhow::Result<Survey> {
    let data_name = project.data_path.display().to_string();
    let file = std::fs::File::open(&project.data_path)
        .with_context_in(|| super::writer::cannot_read(&project.data_path))?;
    let (model, order) = (&project.model, project.graph.order());
    if let Some(kind) = sattrace::data::WorkbookKind::of_name(&data_name) {
        let reader = std::io::BufReader::new(file);
        return sattrace::data::ingest_workbook(model, order, &data_name, kind, reader, options)
            .map_err(anyhow::Error::from);
    }
    if sattrace::data::is_sav_name(&data_name) {
        let reader = std::io::BufReader::new(file);
        return sattrace::data::ingest_sav(model, order, &data_name, reader, options)
            .map_err(anyhow::Error::from);
    }
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = if progress {
        super::progress::bytes(size, &data_name)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let survey = sattrace::data::ingest(
        model,
        order,
        &data_name,
        std::io::BufReader::new(bar.wrap_read(file)),
        options,
    );
    bar.finish_and_clear();
    survey.map_err(anyhow::Error::from)
}

/// `*.yaml` and `*.yml` files directly in `dir`, sorted by name, then the helper
/// libraries `lib/*.rhai`.
pub fn rule_files_in(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = files_in(dir, &["yaml", "yml"])?;
    let lib = dir.join("lib");
    if lib.is_dir() {
        files.extend(files_in(&lib, &["rhai"])?);
    }
    Ok(files)
}

pub fn files_in(dir: &Path, extensions: &[&str]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context_in(|| super::writer::cannot_read(dir))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .is_some_and(|e| extensions.iter().any(|x| e == *x))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// No model file where one was expected.
pub fn no_model(path: &Path) -> anyhow::Error {
    Said::error(
        format!(
            "no model at `{}`\n  help: pass a project directory containing model.yaml, or --model FILE",
            path.display()
        ),
        format!(
            "`{}` 处没有模型文件\n  提示：请指定包含 model.yaml 的项目目录，或使用 --model FILE",
            path.display()
        ),
    )
}

/// No rule file or directory at a path the user named.
pub fn no_rules_at(path: &Path) -> anyhow::Error {
    Said::error(
        format!("no rule file or directory at `{}`", path.display()),
        format!("`{}` 处没有规则文件或目录", path.display()),
    )
}

/// A moments table file read against the model's column layout.
pub fn read_table(layout: &Layout, path: &Path) -> anyhow::Result<MomentsTable> {
    let name = path.display().to_string();
    let file = super::writer::open(path)?;
    MomentsTable::from_csv(layout, std::io::BufReader::new(file), &name)
        .map_err(anyhow::Error::from)
}

/// The survey of `--moments FILE`: the table as per-cell moments, without any
/// respondent rows. Invalid counts are refused unless `--on-invalid skip`.
fn survey_from_table(
    project: &Project,
    path: &Path,
    on_invalid: OnInvalid,
) -> anyhow::Result<Survey> {
    let layout = Layout::new(&project.model).map_err(anyhow::Error::from)?;
    let table = read_table(&layout, path)?;
    table
        .into_survey(
            &layout,
            &path.display().to_string(),
            on_invalid == OnInvalid::Skip,
        )
        .map_err(anyhow::Error::from)
}

/// The message for commands that need respondent rows but were given a table.
pub fn needs_rows(what: &str) -> anyhow::Error {
    Said::error(format!(
        "{what} needs respondent-level rows, which a moments table does not have\n  help: draw a stratified sample in the engine with `sattrace sql --sample N --seed S`, save it as CSV and pass it with --data instead of --moments"
    ), format!(
        "{what} 需要受访者级别的数据行，而矩表（moments table）没有\n  提示：用 `sattrace sql --sample N --seed S` 在数据引擎中抽取分层样本，另存为 CSV，并用 --data 代替 --moments 传入"
    ))
}
