//! The HTTP routes. Each request carries its whole scenario or plan request (the
//! server keeps no per-user state), so users never see each other's scenarios
//! until one is saved. The numbers come from the same functions as the CLI.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use super::super::output::write_output;
use super::super::pipeline::Outcome;
use super::super::project::read_text;
use super::super::report::{render_report, ReportFormat};
use super::body::{check_name, parse, ExportBody, PlanBody, ScenarioBody};
use super::boot::{BootCache, Intervals};
use super::error::ApiError;
use super::state::Shared;
use super::{meta, page};
use sattrace::model::Lang;
use sattrace::report::Format;
use sattrace::whatif::parse_scenario;

/// Largest request body: a scenario or plan request is a few hundred bytes.
pub const MAX_BODY: usize = 64 * 1024;

type Shared_ = State<Arc<Shared>>;

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/report", get(report))
        .route("/api/meta", get(meta_route))
        .route("/api/status", get(status))
        .route("/api/whatif", post(whatif))
        .route("/api/plan", post(plan))
        .route("/api/export", post(export))
        .route("/api/scenarios", get(list_scenarios))
        .route(
            "/api/scenarios/{name}",
            get(load_scenario).put(save_scenario),
        )
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(shared)
}

/// Query options: `lang=zh|en`, `format=html|md|json`.
struct Options {
    lang: Lang,
    format: Option<String>,
}

fn options(shared: &Shared, query: Option<String>) -> Result<Options, ApiError> {
    let mut options = Options {
        lang: shared.lang,
        format: None,
    };
    for pair in query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match (key, value) {
            ("lang", "zh") => options.lang = Lang::Zh,
            ("lang", "en") => options.lang = Lang::En,
            ("format", "html" | "md" | "json") => options.format = Some(value.to_string()),
            // A cache buster the page adds to the report frame's address.
            ("g", v) if v.bytes().all(|b| b.is_ascii_digit()) => {}
            _ => {
                return Err(ApiError::bad_request(
                    "bad_query",
                    "未知的查询参数：只接受 lang=zh|en 和 format=html|md|json",
                    "unknown query parameter: only lang=zh|en and format=html|md|json",
                )
                .with_detail(format!("`{}`", pair.escape_debug())))
            }
        }
    }
    Ok(options)
}

fn body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "请求体超过 64 KiB",
                "the request body is larger than 64 KiB",
            )
        } else {
            ApiError::bad_request("bad_body", "无法读取请求体", "cannot read the request body")
                .with_detail(rejection.body_text())
        }
    })
}

/// The analysis, or 409 with the diagnostics while the files are invalid.
fn ready(shared: &Shared) -> Result<Arc<Outcome>, ApiError> {
    ready_with_boot(shared).map(|(outcome, _)| outcome)
}

/// The analysis and its bootstrap replicates (being made, or made).
fn ready_with_boot(shared: &Shared) -> Result<(Arc<Outcome>, Arc<BootCache>), ApiError> {
    let current = shared.current();
    match (&current.outcome, &current.boot) {
        (Some(outcome), Some(boot)) => Ok((outcome.clone(), boot.clone())),
        _ => Err(ApiError::project_invalid(
            current.problem.as_deref().unwrap_or(""),
        )),
    }
}

/// The analysis as of `wave` (`None`: the latest) with its replicates; blocking
/// (an earlier wave is read on first use).
fn at_wave(
    shared: &Shared,
    wave: Option<&str>,
) -> Result<(Arc<Outcome>, Arc<BootCache>), ApiError> {
    match shared.view(wave) {
        Ok(Some(view)) => Ok(view),
        Ok(None) => ready_with_boot(shared),
        Err(error) => Err(ApiError::bad_request(
            "invalid_wave",
            "无法按该波次运行（未知的波次？）",
            "cannot run on that wave (unknown wave?)",
        )
        .with_detail(format!("{error:#}"))),
    }
}

/// A JSON answer that says what its intervals were made with.
fn json_intervals(bytes: Vec<u8>, intervals: Intervals) -> Response {
    let mut response = json(bytes);
    response.headers_mut().insert(
        INTERVALS_HEADER,
        header::HeaderValue::from_static(intervals.as_str()),
    );
    response
}

/// `off`, `pending`, `ready` or `failed` (see [`Intervals`]).
const INTERVALS_HEADER: &str = "x-sattrace-intervals";

/// Run CPU work off the async workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(ApiError::internal)?
}

fn json(bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        bytes,
    )
        .into_response()
}

async fn index(State(shared): Shared_, RawQuery(query): RawQuery) -> Result<Response, ApiError> {
    let options = options(&shared, query)?;
    let nonce = page::nonce();
    let html = page::render(&nonce, options.lang);
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
            (header::CONTENT_SECURITY_POLICY, page::csp(&nonce)),
            (header::CACHE_CONTROL, "no-store".to_string()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::REFERRER_POLICY, "no-referrer".to_string()),
        ],
        html,
    )
        .into_response())
}

/// The report exactly as `sattrace report` renders it, shown in a sandboxed frame.
async fn report(State(shared): Shared_, RawQuery(query): RawQuery) -> Result<Response, ApiError> {
    let options = options(&shared, query)?;
    let outcome = ready(&shared)?;
    let bytes = blocking(move || {
        render_report(&outcome, ReportFormat::Html, options.lang, &[], None)
            .map_err(ApiError::internal)
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, page::REPORT_CSP),
            (header::CACHE_CONTROL, "no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        bytes,
    )
        .into_response())
}

async fn meta_route(
    State(shared): Shared_,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let options = options(&shared, query)?;
    let current = shared.current();
    let outcome = ready(&shared)?;
    let names = scenario_names(&shared);
    let value = meta::meta(&outcome, options.lang, current.generation, &names);
    Ok(json(value.to_string().into_bytes()))
}

async fn status(State(shared): Shared_) -> Response {
    let current = shared.current();
    let value = serde_json::json!({
        "generation": current.generation,
        "ok": current.outcome.is_some(),
        "problem": current.problem,
        "intervals": current.boot.as_ref().map(|b| b.status()),
    });
    json(value.to_string().into_bytes())
}

/// `sattrace whatif --format json` for the scenario in the body.
async fn whatif(
    State(shared): Shared_,
    RawQuery(query): RawQuery,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let options = options(&shared, query)?;
    let request: ScenarioBody = parse(&body(raw)?)?;
    ready(&shared)?;
    let (bytes, intervals) = blocking(move || {
        let (outcome, cache) = at_wave(&shared, request.wave.as_deref())?;
        let (boot, kept, intervals) = cache.now();
        let scenario = request.to_scenario(&outcome.project.model)?;
        super::super::whatif::render_scenario_with(
            &outcome,
            &scenario,
            Format::Json,
            options.lang,
            boot.as_ref(),
            kept.as_deref(),
        )
        .map(|bytes| (bytes, intervals))
        .map_err(ApiError::invalid)
    })
    .await?;
    Ok(json_intervals(bytes, intervals))
}

/// `sattrace plan --format json` for the request in the body.
async fn plan(
    State(shared): Shared_,
    RawQuery(query): RawQuery,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let options = options(&shared, query)?;
    let body: PlanBody = parse(&body(raw)?)?;
    let request = body.to_request()?;
    ready(&shared)?;
    let (bytes, intervals) = blocking(move || {
        let (outcome, cache) = at_wave(&shared, body.wave.as_deref())?;
        let (boot, kept, intervals) = cache.now();
        super::super::plan::render_plan_with(
            &outcome,
            &request,
            Format::Json,
            options.lang,
            &|_| {},
            boot.as_ref().map(|b| (b, kept.as_deref())),
            None,
        )
        .map(|(bytes, _)| (bytes, intervals))
        .map_err(ApiError::invalid)
    })
    .await?;
    Ok(json_intervals(bytes, intervals))
}

/// The current view as the HTML report, Markdown, or the CLI's JSON (the what-if's
/// when a scenario is given, else the plan's, else `analyze`'s).
async fn export(
    State(shared): Shared_,
    RawQuery(query): RawQuery,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let options = options(&shared, query)?;
    let request: ExportBody = parse(&body(raw)?)?;
    ready(&shared)?;
    let format = options.format.unwrap_or_else(|| "html".to_string());
    let lang = options.lang;
    let scenario = request.scenario.filter(|s| !s.is_empty());
    let plan_wave = request.plan.as_ref().and_then(|p| p.wave.clone());
    let plan = request.plan.map(|p| p.to_request()).transpose()?;
    let (bytes, kind, extension) = blocking(move || {
        // The view as of the scenario's wave (else the plan's); the JSON is the
        // what-if's or plan's answer, with the same intervals.
        let wave = scenario.as_ref().and_then(|s| s.wave.clone()).or(plan_wave);
        let (outcome, cache) = at_wave(&shared, wave.as_deref())?;
        let (boot, kept, _) = cache.now();
        let scenarios = match &scenario {
            Some(s) => vec![s.to_scenario(&outcome.project.model)?],
            None => Vec::new(),
        };
        let report = |f| {
            render_report(&outcome, f, lang, &scenarios, plan.as_ref()).map_err(ApiError::invalid)
        };
        Ok(match format.as_str() {
            "md" => (
                report(ReportFormat::Md)?,
                "text/markdown; charset=utf-8",
                "md",
            ),
            "json" => {
                let (boot, kept) = (boot.as_ref(), kept.as_deref());
                let bytes = if let Some(s) = scenarios.first() {
                    super::super::whatif::render_scenario_with(
                        &outcome,
                        s,
                        Format::Json,
                        lang,
                        boot,
                        kept,
                    )
                } else if let Some(request) = &plan {
                    super::super::plan::render_plan_with(
                        &outcome,
                        request,
                        Format::Json,
                        lang,
                        &|_| {},
                        boot.map(|b| (b, kept)),
                        None,
                    )
                    .map(|(b, _)| b)
                } else {
                    let mut bytes = Vec::new();
                    sattrace::report::render(&outcome.report(lang), Format::Json, &mut bytes)
                        .map(|()| bytes)
                        .map_err(anyhow::Error::from)
                };
                (
                    bytes.map_err(ApiError::invalid)?,
                    "application/json",
                    "json",
                )
            }
            _ => (
                report(ReportFormat::Html)?,
                "text/html; charset=utf-8",
                "html",
            ),
        })
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"sattrace.{extension}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response())
}

fn scenarios_dir(shared: &Shared) -> std::path::PathBuf {
    shared.dir().join("scenarios")
}

/// Saved scenarios: `scenarios/*.yaml` whose stem is a valid name, sorted.
fn scenario_names(shared: &Shared) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(scenarios_dir(shared))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| {
                    let path = e.path();
                    let stem = path.file_stem()?.to_str()?.to_string();
                    (path.extension()? == "yaml" && check_name(&stem).is_ok()).then_some(stem)
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

async fn list_scenarios(State(shared): Shared_) -> Response {
    let value = serde_json::json!({ "scenarios": scenario_names(&shared) });
    json(value.to_string().into_bytes())
}

fn name(path: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    let Path(name) = path.map_err(|e| {
        ApiError::bad_request("invalid_name", "无效的场景名", "invalid scenario name")
            .with_detail(e.body_text())
    })?;
    check_name(&name)?;
    Ok(name)
}

async fn load_scenario(
    State(shared): Shared_,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let name = name(path)?;
    let outcome = ready(&shared)?;
    let file = scenarios_dir(&shared).join(format!("{name}.yaml"));
    if !file.is_file() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "no_scenario",
            "没有这个场景",
            "no such scenario",
        )
        .with_detail(format!("scenarios/{name}.yaml")));
    }
    let body = blocking(move || {
        let text = read_text(&file).map_err(ApiError::invalid)?;
        let model = &outcome.project.model;
        let shown = format!("scenarios/{name}.yaml");
        let scenario = parse_scenario(model, &shown, &text)
            .map_err(|e| ApiError::invalid(anyhow::Error::msg(e)))?;
        Ok(ScenarioBody::from_scenario(model, &scenario))
    })
    .await?;
    serde_json::to_vec(&body)
        .map(json)
        .map_err(ApiError::internal)
}

/// Save a scenario as `scenarios/NAME.yaml`, atomically, never over an input and
/// never outside the project (a `scenarios` link pointing elsewhere is refused).
async fn save_scenario(
    State(shared): Shared_,
    path: Result<Path<String>, PathRejection>,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let name = name(path)?;
    let request: ScenarioBody = parse(&body(raw)?)?;
    let outcome = ready(&shared)?;
    let dir = scenarios_dir(&shared);
    let project = shared.dir().to_path_buf();
    let saved = format!("scenarios/{name}.yaml");
    blocking(move || {
        let model = &outcome.project.model;
        let scenario = request.to_scenario(model)?;
        let yaml = request.to_yaml(&name);
        // What is written must read back as the same scenario.
        let shown = format!("scenarios/{name}.yaml");
        match parse_scenario(model, &shown, &yaml) {
            Ok(back) if back.moves == scenario.moves && back.filter == scenario.filter => {}
            other => {
                return Err(ApiError::internal(format!(
                    "the saved scenario does not read back: {other:?}"
                )))
            }
        }
        if !dir.exists() {
            std::fs::create_dir(&dir).map_err(ApiError::internal)?;
        }
        let inside = match (dir.canonicalize(), project.canonicalize()) {
            (Ok(d), Ok(p)) => d.starts_with(&p) && d.is_dir(),
            _ => false,
        };
        if !inside {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "outside_project",
                "scenarios/ 不在项目目录内，拒绝写入",
                "scenarios/ is not inside the project directory; nothing written",
            ));
        }
        let file = dir.join(format!("{name}.yaml"));
        write_output(Some(&file), yaml.as_bytes(), &outcome.project.inputs).map_err(|e| {
            ApiError::new(
                StatusCode::FORBIDDEN,
                "cannot_write",
                "无法写入场景文件",
                "cannot write the scenario file",
            )
            .with_detail(e)
        })?;
        Ok(())
    })
    .await?;
    let value = serde_json::json!({ "saved": saved });
    Ok((StatusCode::CREATED, json(value.to_string().into_bytes())).into_response())
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "没有这个地址",
        "no such address",
    )
}
