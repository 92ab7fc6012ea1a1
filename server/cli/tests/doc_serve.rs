//! `pacto doc --serve` on the example bundle: the page loaded in headless Chromium with its
//! Mermaid diagram drawn by the bundled script, and the HTTP server's answers to good, odd and
//! hostile requests. `PACTO_UPDATE_SCREENSHOTS=1` rewrites `docs/doc-serve.png`.

mod common;

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::example;

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                   font-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The server's limits (`serve.rs`), crossed below.
const MAX_REQUEST_HEAD: usize = 8 * 1024;
const READ_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_CONNECTIONS: usize = 64;

/// A running `pacto doc --serve --port 0`, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
    _stderr: BufReader<ChildStderr>,
}

impl Server {
    fn start() -> Server {
        Server::start_bundle(&example())
    }

    fn start_bundle(bundle: &Path) -> Server {
        // The example depends on contracts in a public registry: tests stay on this machine.
        let mut child = Command::new(env!("CARGO_BIN_EXE_pacto"))
            .args(["doc", "--serve", "--port", "0"])
            .arg(bundle)
            .env("PACTO_OFFLINE", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut first = String::new();
        stderr.read_line(&mut first).unwrap();
        let mut second = String::new();
        stderr.read_line(&mut second).unwrap();
        assert_eq!(second, "Press Ctrl+C to stop\n");
        let url = first.strip_prefix("Serving documentation at http://").unwrap_or_else(|| panic!("{first:?}"));
        let addr: SocketAddr = url.trim_end().parse().unwrap();
        assert!(addr.ip().is_loopback() && addr.port() != 0, "{addr}");
        Server { child, addr, _stderr: stderr }
    }

    fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Sends `request` as is and returns everything the server answered before closing; a
    /// connection closed unanswered (reset, as a refused one may be) answers nothing.
    fn raw(&self, request: &[u8]) -> Vec<u8> {
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream.set_read_timeout(Some(READ_TIMEOUT * 3)).unwrap();
        let reset = |err: std::io::Error| {
            assert!(matches!(err.kind(), ErrorKind::ConnectionReset | ErrorKind::BrokenPipe), "{err}");
        };
        let mut answer = Vec::new();
        match stream.write_all(request) {
            Ok(()) => stream.read_to_end(&mut answer).map(drop).unwrap_or_else(reset),
            Err(err) => reset(err),
        }
        answer
    }

    /// The whole answer to `GET /`, asserted to be a 200.
    fn page(&self) -> String {
        let answer = self.raw(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        let answer = String::from_utf8_lossy(&answer).into_owned();
        assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
        answer
    }

    fn get(&self, method: &str, path: &str) -> Answer {
        Answer::parse(&self.raw(format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n\r\n", self.addr).as_bytes()))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Answer {
    status_line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn parse(bytes: &[u8]) -> Answer {
        let end = bytes.windows(4).position(|it| it == b"\r\n\r\n").expect("a complete head") + 4;
        let head = String::from_utf8(bytes[..end].to_vec()).unwrap();
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap().to_owned();
        let headers = lines
            .filter(|it| !it.is_empty())
            .map(|it| {
                let (name, value) = it.split_once(": ").unwrap();
                (name.to_ascii_lowercase(), value.to_owned())
            })
            .collect();
        Answer { status_line, headers, body: bytes[end..].to_vec() }
    }

    fn header(&self, name: &str) -> &str {
        self.headers.iter().find(|(it, _)| it == name).map_or("", |(_, value)| value)
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs headless Chromium (Debian's `chromium`, installed by scripts/test) on `url` with
/// `extra` flags, killed if it has not finished within a minute.
fn chromium(url: &str, extra: &[&str]) -> Output {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"])
        .args(["--disable-background-networking", "--disable-component-update", "--disable-sync"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--virtual-time-budget=5000")
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium runs (Debian's `chromium` package; scripts/test installs it)");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn chromium_draws_the_mermaid_diagram_from_the_bundled_script() {
    let server = Server::start();
    let output = chromium(&server.url(), &["--dump-dom"]);
    let dom = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    // Mermaid replaced the diagram's source with an SVG drawing inside the same element.
    let start = dom.find("<pre class=\"mermaid\"").unwrap_or_else(|| panic!("no mermaid element in {dom}"));
    let diagram = &dom[start..start + dom[start..].find("</pre>").unwrap()];
    assert!(diagram.contains("<svg"), "the diagram was not drawn: {diagram}");
    assert!(!diagram.contains("graph TB"), "the diagram's source is still shown: {diagram}");
    assert!(!diagram.contains("Syntax error"), "{diagram}");
    for label in ["payments-api v2.1.0", "External User", "rest-api", "order-events"] {
        assert!(diagram.contains(label), "no node labelled {label:?} in {diagram}");
    }
    for text in [
        "<title>payments-api</title>",
        "<h1 id=\"payments-api\">payments-api</h1>",
        "<h2 id=\"1-architecture\">1. Architecture</h2>",
        "<a href=\"#21-http-interface-rest-api\">2.1. HTTP Interface: rest-api</a>",
        "<td>Create a payment</td>",
        "<td><code>database_url</code></td>",
    ] {
        assert!(dom.contains(text), "{text:?} is not on the page: {dom}");
    }
    if std::env::var_os("PACTO_UPDATE_SCREENSHOTS").is_some_and(|it| it == "1") {
        let path = root().join("docs/doc-serve.png");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let screenshot = format!("--screenshot={}", path.display());
        let output = chromium(&server.url(), &[&screenshot, "--window-size=1200,1600"]);
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        assert!(std::fs::read(&path).unwrap().starts_with(b"\x89PNG"));
    }
}

#[test]
fn the_page_and_its_assets_come_with_a_strict_content_security_policy() {
    let server = Server::start();
    let page = server.get("GET", "/");
    assert_eq!(page.status_line, "HTTP/1.1 200 OK");
    assert_eq!(page.header("content-type"), "text/html; charset=utf-8");
    assert_eq!(page.header("content-security-policy"), CSP);
    assert_eq!(page.header("x-content-type-options"), "nosniff");
    assert_eq!(page.header("content-length"), page.body.len().to_string());
    let html = page.text();
    // Everything the page loads is served here: no CDN, no inline script.
    assert!(html.contains("<script src=\"/mermaid.min.js\" defer></script>\n<script src=\"/init.js\" defer></script>"));
    assert_eq!(html.matches("<script").count(), 2);
    assert!(!html.contains("https://cdn") && !html.contains("unpkg") && !html.contains("jsdelivr"));
    assert!(html.contains("<pre class=\"mermaid\">graph TB\n    external([&quot;External User&quot;])\n"));

    let mermaid = server.get("GET", "/mermaid.min.js");
    assert_eq!(mermaid.status_line, "HTTP/1.1 200 OK");
    assert_eq!(mermaid.header("content-type"), "text/javascript; charset=utf-8");
    assert_eq!(mermaid.body, std::fs::read(root().join("vendor/mermaid/mermaid.min.js")).unwrap());
    let init = server.get("GET", "/init.js?v=1");
    assert_eq!(init.status_line, "HTTP/1.1 200 OK");
    assert!(init.text().contains("mermaid.run("));
    let style = server.get("GET", "/style.css");
    assert_eq!(style.header("content-type"), "text/css; charset=utf-8");
    assert_eq!(style.header("content-security-policy"), CSP);
}

#[test]
fn unknown_paths_are_404_and_head_has_no_body() {
    let server = Server::start();
    let missing = server.get("GET", "/etc/passwd");
    assert_eq!(missing.status_line, "HTTP/1.1 404 Not Found");
    assert_eq!(missing.text(), "404 Not Found\n");
    assert_eq!(server.get("GET", "/../").status_line, "HTTP/1.1 404 Not Found");

    let get = server.get("GET", "/");
    let head = server.get("HEAD", "/");
    assert_eq!(head.status_line, "HTTP/1.1 200 OK");
    assert_eq!(head.header("content-length"), get.body.len().to_string());
    assert_eq!(head.header("content-security-policy"), CSP);
    assert!(head.body.is_empty());
    let head_missing = server.get("HEAD", "/nope");
    assert_eq!(head_missing.status_line, "HTTP/1.1 404 Not Found");
    assert!(head_missing.body.is_empty());

    let post = server.get("POST", "/");
    assert_eq!(post.status_line, "HTTP/1.1 405 Method Not Allowed");
    assert_eq!(post.header("allow"), "GET, HEAD");
}

#[test]
fn garbage_gets_400_and_the_server_keeps_serving() {
    let server = Server::start();
    for garbage in [
        &b"\xff\xfe\x00garbage\r\n\r\n"[..],
        b"GET\r\n\r\n",
        b"GET / HTTP/1.1 extra\r\n\r\n",
        b"GET nothing-absolute HTTP/1.1\r\n\r\n",
        b"GET / SPDY/3\r\n\r\n",
        b"\r\n\r\n",
    ] {
        let answer = Answer::parse(&server.raw(garbage));
        assert_eq!(answer.status_line, "HTTP/1.1 400 Bad Request", "{garbage:?}");
    }
    // A client that hangs up mid-request gets no answer, and the server does not wait for more.
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream.write_all(b"GET / HT").unwrap();
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
    assert!(started.elapsed() < READ_TIMEOUT);
    assert_eq!(server.get("GET", "/").status_line, "HTTP/1.1 200 OK");
}

#[test]
fn a_request_head_beyond_the_limit_gets_431() {
    let server = Server::start();
    let header = |len: usize| format!("GET / HTTP/1.1\r\nX-Pad: {}\r\n\r\n", "a".repeat(len));
    let fits = header(MAX_REQUEST_HEAD - "GET / HTTP/1.1\r\nX-Pad: \r\n\r\n".len());
    assert_eq!(fits.len(), MAX_REQUEST_HEAD);
    assert_eq!(Answer::parse(&server.raw(fits.as_bytes())).status_line, "HTTP/1.1 200 OK");
    let too_long = header(MAX_REQUEST_HEAD + 1 - "GET / HTTP/1.1\r\nX-Pad: \r\n\r\n".len());
    let answer = Answer::parse(&server.raw(too_long.as_bytes()));
    assert_eq!(answer.status_line, "HTTP/1.1 431 Request Header Fields Too Large");
    // A head that never ends is cut off at the limit too, not read forever.
    let endless = vec![b'a'; MAX_REQUEST_HEAD * 4];
    assert_eq!(Answer::parse(&server.raw(&endless)).status_line, "HTTP/1.1 431 Request Header Fields Too Large");
}

#[test]
fn a_client_that_stops_sending_gets_408_after_the_read_timeout() {
    let server = Server::start();
    let started = Instant::now();
    let answer = Answer::parse(&server.raw(b"GET / HTTP/1.1\r\nHost: x\r\n"));
    assert_eq!(answer.status_line, "HTTP/1.1 408 Request Timeout");
    assert!(started.elapsed() >= READ_TIMEOUT, "answered before the timeout");
}

#[test]
fn connections_beyond_the_limit_are_closed_until_one_ends() {
    let server = Server::start();
    let idle: Vec<TcpStream> = (0..MAX_CONNECTIONS).map(|_| TcpStream::connect(server.addr).unwrap()).collect();
    // The server accepts in order: by the time it sees this one, every idle one holds a place.
    let answer = server.raw(b"GET / HTTP/1.1\r\n\r\n");
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
    drop(idle);
    let deadline = Instant::now() + READ_TIMEOUT;
    loop {
        let answer = server.raw(b"GET / HTTP/1.1\r\n\r\n");
        if !answer.is_empty() {
            assert_eq!(Answer::parse(&answer).status_line, "HTTP/1.1 200 OK");
            break;
        }
        assert!(Instant::now() < deadline, "no place freed after the idle connections closed");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_pacto"))
        .args(["doc", "--serve", "--port", &port])
        .arg(example())
        .env("PACTO_OFFLINE", "1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&output.stderr), format!("port {port} is already in use on 127.0.0.1\n"));
}

#[test]
fn serve_and_output_are_mutually_exclusive() {
    let output = Command::new(env!("CARGO_BIN_EXE_pacto"))
        .args(["doc", "--serve", "-o", "out", "does-not-exist"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "--serve and --output are mutually exclusive\n");
}

/// The 2.0 example served: the same page, from the 2.0 document (pacto-v2.md §6.3).
#[test]
fn serve_a_2_0_contract() {
    let server = Server::start_bundle(&example().with_file_name("payments-api-v2"));
    let answer = server.page();
    for part in
        ["2.1. OpenAPI Interface: rest-api", "3. Capabilities", "4.2. platform", "7. Readiness", "♥ health /health"]
    {
        assert!(answer.contains(part), "{part} is not in {answer}");
    }
}

/// A 2.0 root's dependency blocks are served as the 1.0 ones are: the collapsible block, its
/// linked sub-headings and the `<h5>` of each interface and configuration survive the sanitizer.
#[test]
fn serve_a_2_0_contract_with_dependency_blocks() {
    let server = Server::start_bundle(&root().join("tests/data/doc/bundles-v2/shop"));
    let answer = server.page();
    for part in [
        "<details id=\"dep-catalog\"><summary><h3>2.1. catalog <code>v3.1.0</code></h3></summary>",
        "<h4 id=\"dep-catalog-capabilities\">Capabilities</h4>",
        "<h5>OpenAPI Interface: items</h5>",
        "<h5>platform</h5>",
        "<a href=\"#dep-catalog-readiness\">Readiness</a>",
        "<details id=\"dep-inventory\"><summary><h3>2.2. inventory <code>v1.2.5</code></h3></summary>",
    ] {
        assert!(answer.contains(part), "{part} is not in {answer}");
    }
}
