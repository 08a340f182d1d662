//! The workbench page: one HTML file with its style and script inline, allowed by a
//! per-response nonce in a strict Content-Security-Policy; nothing is fetched from
//! anywhere but this server. Every text from the project reaches the page through
//! `textContent`, never as markup.

use std::io::Read;

use sattrace::model::Lang;

const PAGE: &str = include_str!("page.html");
const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// The report frame's policy: the report's own (no scripts, inline styles, data
/// images), shown only inside this server's page.
pub const REPORT_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";

/// The page's policy: only its own nonce'd script and style, requests to this
/// server, and the report in a frame from this server.
pub fn csp(nonce: &str) -> String {
    format!(
        "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; \
         connect-src 'self'; frame-src 'self'; img-src data:; base-uri 'none'; \
         form-action 'none'; frame-ancestors 'none'"
    )
}

/// 128 random bits from the operating system, as hex; a per-process hash of the
/// clock where `/dev/urandom` is missing.
pub fn nonce() -> String {
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if read.is_err() {
        use std::hash::{BuildHasher, Hasher};
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        for (k, chunk) in bytes.chunks_mut(8).enumerate() {
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u128(nanos);
            hasher.write_usize(k);
            chunk.copy_from_slice(&hasher.finish().to_le_bytes());
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn render(nonce: &str, lang: Lang) -> String {
    let lang = match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    };
    // The nonce and language are ours (hex, zh|en); the assets go in last, so
    // nothing in them is ever taken for a placeholder.
    PAGE.replace("{{NONCE}}", nonce)
        .replace("{{LANG}}", lang)
        .replacen("{{STYLE}}", STYLE, 1)
        .replacen("{{SCRIPT}}", SCRIPT, 1)
}
