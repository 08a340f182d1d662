//! Helpers for the `sattrace serve` tests: a server as a child process on a free
//! port, a plain HTTP/1.1 client over TCP, and a writable copy of the example.

#![allow(dead_code, reason = "each test binary uses a different part")]

pub mod cdp;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_sattrace");

/// A running `sattrace serve`, stopped when dropped.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    pub url: String,
}

impl Server {
    /// `sattrace serve DIR --port 0 EXTRA…`, with `--bootstrap 0` unless `extra`
    /// names a bootstrap (the answers then equal `whatif`/`plan --bootstrap 0`
    /// from the first request on, see [`cli`]).
    pub fn start(dir: &Path, extra: &[&str]) -> Server {
        let off: &[&str] = if extra.contains(&"--bootstrap") {
            &[]
        } else {
            &["--bootstrap", "0"]
        };
        let mut child = Command::new(BIN)
            .arg("serve")
            .arg(dir)
            .args(["--port", "0"])
            .args(off)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("sattrace serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the URL line");
        let url = line.trim().to_string();
        let addr: SocketAddr = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .unwrap_or_else(|_| panic!("not a URL: {url:?}"));
        Server { child, addr, url }
    }

    pub fn get(&self, path: &str) -> Reply {
        http(self.addr, "GET", path, &[], &[])
    }

    pub fn post(&self, path: &str, body: &str) -> Reply {
        http(
            self.addr,
            "POST",
            path,
            body.as_bytes(),
            &[("Content-Type", "application/json")],
        )
    }

    pub fn put(&self, path: &str, body: &str) -> Reply {
        http(
            self.addr,
            "PUT",
            path,
            body.as_bytes(),
            &[("Content-Type", "application/json")],
        )
    }

    /// Wait until `/api/status` satisfies `ok`, for at most 20 s.
    pub fn wait_status(
        &self,
        what: &str,
        ok: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let start = Instant::now();
        loop {
            let status = self.get("/api/status").json();
            if ok(&status) {
                return status;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {what}: {status}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request on its own connection (`Connection: close`).
pub fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: &[u8],
    headers: &[(&str, &str)],
) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).expect("writes");
    // The server may answer (413) before reading a large body and close.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse_reply(&raw)
}

pub fn parse_reply(raw: &[u8]) -> Reply {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status code");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(line_end) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..line_end]).trim(), 16)
            .expect("chunk size");
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[line_end + 2..line_end + 2 + size]);
        data = &data[line_end + 4 + size..];
    }
}

/// The CLI's stdout for `args` (which must succeed).
pub fn cli(args: &[&str]) -> Vec<u8> {
    let output = Command::new(BIN)
        .args(args)
        .args(interactive(args))
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "sattrace {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Test servers run with `--bootstrap 0` unless told otherwise ([`Server::start`]),
/// so `whatif` and `plan` are compared with `--bootstrap 0` unless `args` name one.
fn interactive(args: &[&str]) -> &'static [&'static str] {
    match args.first() {
        Some(&"whatif") | Some(&"plan") if !args.contains(&"--bootstrap") => &["--bootstrap", "0"],
        _ => &[],
    }
}

/// The CLI's stdout for `args` and its exit code, whatever it is (`plan` exits 2
/// on unreachable targets and still prints the plan).
pub fn cli_any(args: &[&str]) -> (Vec<u8>, Option<i32>) {
    let output = Command::new(BIN)
        .args(args)
        .args(interactive(args))
        .output()
        .expect("runs");
    (output.stdout, output.status.code())
}

/// A writable copy of the telecom example (model, survey, rules, scenarios).
pub fn telecom_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = dir.path().join("telecom");
    copy_dir(Path::new("fixtures/telecom"), &project);
    (dir, project)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Break a rule file: a misspelt driver at rules/service.yaml:5:21 (restore with
/// the returned text).
pub fn break_rules(project: &Path) -> String {
    let file = project.join("rules/service.yaml");
    let text = std::fs::read_to_string(&file).expect("rules");
    let broken = text.replacen(
        "for: {drivers: [response_time]}",
        "for: {drivers: [response_tme]}",
        1,
    );
    assert_ne!(broken, text);
    std::fs::write(&file, broken).expect("write");
    text
}
