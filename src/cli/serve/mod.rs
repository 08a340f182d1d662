//! `sattrace serve`: a local what-if workbench in the browser. The data pass runs
//! once at start (or reads `--moments`); every request then works on what is kept in
//! memory, through the same library calls as `whatif`, `plan` and `report`.

mod api;
mod body;
mod boot;
mod error;
mod meta;
mod page;
mod state;

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use super::project::ProjectArgs;
use super::uncertainty::UncertaintyArgs;
use super::Exit;
use sattrace::model::Lang;
use state::Shared;

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Port to listen on (0: any free port, printed at start).
    #[arg(long, default_value_t = 8731)]
    pub port: u16,
    /// Address to listen on (default 127.0.0.1, this machine only); any other
    /// address lets other machines reach the page, and is warned about.
    #[arg(long)]
    pub host: Option<String>,
    /// Language of the page (switchable on it).
    #[arg(long, value_parser = crate::cli::values::parser::<Lang>(), default_value = "zh")]
    pub lang: Lang,
    /// The bootstrap of intervals and P(reach), as `whatif`/`plan` take it; its
    /// replicates are made once per load, in the background.
    #[command(flatten)]
    pub uncertainty: UncertaintyArgs,
}

fn say(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

pub fn run(args: &ServeArgs) -> anyhow::Result<Exit> {
    let ip = match args.host.as_deref() {
        None => IpAddr::V4(Ipv4Addr::LOCALHOST),
        Some("localhost") => IpAddr::V4(Ipv4Addr::LOCALHOST),
        Some(host) => host.parse().map_err(|_| {
            anyhow::anyhow!(
                "--host: `{host}` is not an IP address\n  help: for example --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every network)"
            )
        })?,
    };
    if args.host.is_some() && !ip.is_loopback() {
        eprintln!(
            "{}",
            say(
                args.lang,
                &format!("warning: 监听 {ip}：其他机器也能打开此页面并读取分析结果；仅在可信网络中使用"),
                &format!("warning: listening on {ip}: other machines can open this page and read the analysis; use it on trusted networks only"),
            )
        );
    }
    let bootstrap = args.uncertainty.bootstrap()?;
    let shared = Arc::new(Shared::start(args.project.clone(), args.lang, bootstrap)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    runtime.block_on(serve(shared, SocketAddr::new(ip, args.port), args.lang))
}

async fn serve(shared: Arc<Shared>, address: SocketAddr, lang: Lang) -> anyhow::Result<Exit> {
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| {
            format!("cannot listen on {address}\n  help: pick another --port (0 picks a free one)")
        })?;
    let local = listener.local_addr().context("no local address")?;
    // The URL alone on stdout, so scripts (and tests) can read the real port.
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "http://{local}/").context("cannot write to stdout")?;
    stdout.flush().context("cannot write to stdout")?;
    drop(stdout);
    eprintln!(
        "{}",
        say(
            lang,
            "sattrace serve：在浏览器中打开上面的地址；按 Ctrl-C 停止",
            "sattrace serve: open the address above in a browser; Ctrl-C stops"
        )
    );
    tokio::spawn(watch(shared.clone(), lang));
    axum::serve(listener, api::router(shared))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("the server stopped")?;
    Ok(Exit::Ok)
}

/// Poll the project's files once a second; a change reloads the analysis (or
/// records the diagnostics) off the async workers.
async fn watch(shared: Arc<Shared>, lang: Lang) {
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let polled = shared.clone();
        let Ok(true) = tokio::task::spawn_blocking(move || polled.poll()).await else {
            continue;
        };
        let current = shared.current();
        let message = match &current.problem {
            None => say(lang, "文件已变更，已重新加载", "files changed, reloaded"),
            Some(problem) => say(
                lang,
                &format!("文件已变更但无效：\n{problem}"),
                &format!("files changed but are invalid:\n{problem}"),
            ),
        };
        eprintln!("sattrace serve: {message}");
    }
}
