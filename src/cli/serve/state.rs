//! What the server keeps: the project's analysis, computed once at start and again
//! only when one of its files changes on disk, so every request works on memory.
//! An edit that breaks the project keeps the server up and shows `check`'s
//! diagnostics instead.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

use super::super::check::{collect, system_today};
use super::super::pipeline::{run_pipeline, run_pipeline_at, Outcome};
use super::super::project::{rule_files_in, ProjectArgs};
use sattrace::check::render::{counts, render_diagnostics, CheckFormat};
use sattrace::check::{check, CheckOptions};
use sattrace::model::Lang;
use sattrace::whatif::Bootstrap;

use super::boot::BootCache;

/// One load of the project's files.
pub struct Loaded {
    /// Counts loads since start; the page reloads when it changes.
    pub generation: u64,
    /// The analysis, or `None` while the files are invalid.
    pub outcome: Option<Arc<Outcome>>,
    /// The bootstrap replicates of `outcome`, made in the background.
    pub boot: Option<Arc<BootCache>>,
    /// The diagnostics (or the pipeline's error) when the files are invalid.
    pub problem: Option<String>,
    /// Modification time and size of every watched file when it was read.
    pub stamp: Vec<(PathBuf, Option<(SystemTime, u64)>)>,
    /// The analysis (and replicates) as of an earlier wave, made when first asked
    /// for (`whatif --wave`).
    at_waves: Mutex<BTreeMap<String, View>>,
}

/// An analysis and its bootstrap replicates.
pub type View = (Arc<Outcome>, Arc<BootCache>);

impl Loaded {
    fn new(generation: u64, view: Option<View>, problem: Option<String>, stamp: Stamp) -> Self {
        let (outcome, boot) = match view {
            Some((o, b)) => (Some(o), Some(b)),
            None => (None, None),
        };
        Loaded {
            generation,
            outcome,
            boot,
            problem,
            stamp,
            at_waves: Mutex::new(BTreeMap::new()),
        }
    }

    /// Stop making every replicate of this load (a reload replaced it).
    fn stop(&self) {
        if let Some(boot) = &self.boot {
            boot.stop();
        }
        let waves = match self.at_waves.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        for (_, boot) in waves.values() {
            boot.stop();
        }
    }
}

type Stamp = Vec<(PathBuf, Option<(SystemTime, u64)>)>;

pub struct Shared {
    pub args: ProjectArgs,
    pub lang: Lang,
    /// The bootstrap of intervals and P(reach) (`None`: `--bootstrap 0`).
    pub bootstrap: Option<Bootstrap>,
    current: RwLock<Arc<Loaded>>,
    /// The survey or moments file of the last good load (the model names it).
    data_path: RwLock<Option<PathBuf>>,
}

impl Shared {
    /// Run the pipeline once; an invalid project at start is an error (exit 2).
    pub fn start(
        args: ProjectArgs,
        lang: Lang,
        bootstrap: Option<Bootstrap>,
    ) -> anyhow::Result<Self> {
        let outcome = Arc::new(load(&args)?);
        let data_path = Some(outcome.project.data_path.clone());
        let stamp = fingerprint(&watched(&args, data_path.as_deref()));
        let boot = BootCache::start(&outcome, bootstrap);
        Ok(Self {
            args,
            lang,
            bootstrap,
            current: RwLock::new(Arc::new(Loaded::new(1, Some((outcome, boot)), None, stamp))),
            data_path: RwLock::new(data_path),
        })
    }

    pub fn current(&self) -> Arc<Loaded> {
        match self.current.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The project directory (scenarios are saved under it).
    pub fn dir(&self) -> &Path {
        &self.args.dir
    }

    /// Reload when a watched file changed since the last load; blocking (run it
    /// off the async workers). Returns whether it reloaded.
    pub fn poll(&self) -> bool {
        let before = self.current();
        let data = match self.data_path.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        let stamp = fingerprint(&watched(&self.args, data.as_deref()));
        if stamp == before.stamp {
            return false;
        }
        before.stop();
        let next = match load(&self.args) {
            Ok(outcome) => {
                if let Ok(mut guard) = self.data_path.write() {
                    *guard = Some(outcome.project.data_path.clone());
                }
                let outcome = Arc::new(outcome);
                let boot = BootCache::start(&outcome, self.bootstrap);
                Loaded::new(before.generation + 1, Some((outcome, boot)), None, stamp)
            }
            Err(error) => Loaded::new(
                before.generation + 1,
                None,
                Some(diagnose(&self.args, &error)),
                stamp,
            ),
        };
        match self.current.write() {
            Ok(mut guard) => *guard = Arc::new(next),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(next),
        }
        true
    }
}

impl Shared {
    /// The analysis of the current load as of `wave` (`None` or the latest wave:
    /// the load's own), with its replicates; an earlier wave is read once and kept
    /// until the next reload. Blocking. `Ok(None)` while the files are invalid.
    pub fn view(&self, wave: Option<&str>) -> anyhow::Result<Option<View>> {
        let current = self.current();
        let (Some(outcome), Some(boot)) = (&current.outcome, &current.boot) else {
            return Ok(None);
        };
        let latest = outcome.analysis.latest_wave().cloned().flatten();
        let Some(wave) = wave.filter(|w| Some(*w) != latest.as_deref()) else {
            return Ok(Some((outcome.clone(), boot.clone())));
        };
        let mut waves = match current.at_waves.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(view) = waves.get(wave) {
            return Ok(Some(view.clone()));
        }
        let outcome = Arc::new(run_pipeline_at(
            &self.args,
            self.args.moments.is_none(),
            Some(wave),
        )?);
        let view = (outcome.clone(), BootCache::start(&outcome, self.bootstrap));
        waves.insert(wave.to_string(), view.clone());
        Ok(Some(view))
    }
}

/// The pipeline as `whatif` runs it: respondent rows kept unless from `--moments`.
fn load(args: &ProjectArgs) -> anyhow::Result<Outcome> {
    run_pipeline(args, args.moments.is_none())
}

/// `check`'s diagnostics of the project (file:line:column), or the pipeline's
/// error when `check` finds nothing (a survey value out of its scale, say).
fn diagnose(args: &ProjectArgs, error: &anyhow::Error) -> String {
    let mut sources = Vec::new();
    let mut paths = vec![args.dir.clone()];
    if let Some(model) = &args.model {
        paths.push(model.clone());
    }
    paths.extend(args.rules.iter().cloned());
    for path in &paths {
        // A file that vanished mid-edit is reported by the pipeline's error below.
        let _ = collect(path, &mut sources);
    }
    let options = CheckOptions {
        today: Some(system_today()),
        data: None,
    };
    let diagnostics = check(&sources, &options);
    let (errors, _) = counts(&diagnostics);
    let mut bytes = Vec::new();
    if errors > 0
        && render_diagnostics(
            CheckFormat::Human,
            &diagnostics,
            &sources,
            false,
            &mut bytes,
        )
        .is_ok()
    {
        return String::from_utf8_lossy(&bytes).into_owned();
    }
    format!("{error:#}")
}

/// The files a load reads: the model, the survey (or moments table) and the rule
/// files, with rule folders listed so an added or removed file counts as a change.
fn watched(args: &ProjectArgs, data: Option<&Path>) -> Vec<PathBuf> {
    let mut paths = vec![args
        .model
        .clone()
        .unwrap_or_else(|| args.dir.join("model.yaml"))];
    paths.extend(data.map(Path::to_path_buf));
    let rules = if args.rules.is_empty() {
        vec![args.dir.join("rules")]
    } else {
        args.rules.clone()
    };
    for path in rules {
        if path.is_dir() {
            paths.extend(rule_files_in(&path).unwrap_or_default());
        }
        paths.push(path);
    }
    paths
}

fn fingerprint(paths: &[PathBuf]) -> Vec<(PathBuf, Option<(SystemTime, u64)>)> {
    paths
        .iter()
        .map(|p| {
            let meta = std::fs::metadata(p)
                .ok()
                .and_then(|m| Some((m.modified().ok()?, m.len())));
            (p.clone(), meta)
        })
        .collect()
}
