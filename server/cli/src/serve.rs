//! A small HTTP/1.1 server on 127.0.0.1 for `pacto doc --serve`: the page and its assets, GET
//! and HEAD only, one request per connection. Requests are bounded in size and time, and
//! anything malformed gets an error status, so no client can hang or crash it.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The request line and headers together; larger requests get 431.
pub const MAX_REQUEST_HEAD: usize = 8 * 1024;
/// How long a client has to send its whole request head; after that it gets 408.
pub const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one write may block on a client that stops reading.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long, and how much, a closing connection still reads of what the client sends.
const LINGER: Duration = Duration::from_secs(1);
const MAX_LINGER_BYTES: usize = 256 * 1024;
/// Connections served at once; more are closed unanswered.
pub const MAX_CONNECTIONS: usize = 64;
/// The pause after a failed accept.
const ACCEPT_RETRY: Duration = Duration::from_millis(20);

/// The page's scripts come only from this server, styles from it or inline (Mermaid styles
/// the diagrams it draws with inline `<style>`), and nothing else is loaded or framed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// One file the server answers with.
pub struct Asset {
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: Arc<[u8]>,
}

/// Binds 127.0.0.1:`port` (0 = any free port). Separate from [`serve`] so the caller can
/// report the real address before serving.
pub fn bind(port: u16) -> Result<TcpListener, String> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port)).map_err(|err| match err.kind() {
        io::ErrorKind::AddrInUse => format!("port {port} is already in use on 127.0.0.1"),
        _ => format!("failed to listen on 127.0.0.1:{port}: {err}"),
    })
}

pub fn local_addr(listener: &TcpListener) -> Result<SocketAddr, String> {
    listener.local_addr().map_err(|err| format!("failed to read the listening address: {err}"))
}

/// Serves `assets` until the process is stopped, one thread per connection.
pub fn serve(listener: TcpListener, assets: Vec<Asset>) -> Result<(), String> {
    let assets: Arc<[Asset]> = assets.into();
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        // A connection that failed before we saw it (reset by the client, out of descriptors)
        // concerns only that client; the pause keeps a lasting failure from spinning the loop.
        let Ok(stream) = stream else {
            std::thread::sleep(ACCEPT_RETRY);
            continue;
        };
        if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            open.fetch_sub(1, Ordering::SeqCst);
            continue;
        }
        let assets = Arc::clone(&assets);
        let open_here = Arc::clone(&open);
        let spawned = std::thread::Builder::new().name("doc-serve".into()).spawn(move || {
            // A client that goes away mid-answer is not an error worth reporting.
            let _ = handle(stream, &assets);
            open_here.fetch_sub(1, Ordering::SeqCst);
        });
        if spawned.is_err() {
            open.fetch_sub(1, Ordering::SeqCst);
        }
    }
    Ok(())
}

fn handle(mut stream: TcpStream, assets: &[Asset]) -> io::Result<()> {
    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
    let response = match read_head(&mut stream) {
        Ok(head) => route(&head, assets),
        Err(HeadError::TooLarge) => Response::error(431, "Request Header Fields Too Large"),
        Err(HeadError::TimedOut) => Response::error(408, "Request Timeout"),
        Err(HeadError::Closed) => return Ok(()),
    };
    response.write_to(&mut stream)?;
    stream.flush()?;
    stream.shutdown(std::net::Shutdown::Write)?;
    // Closing with unread input would reset the connection and could destroy the answer before
    // the client reads it (say, after a 431): read on a little, then close.
    stream.set_read_timeout(Some(LINGER))?;
    let mut sink = [0u8; 4096];
    let mut drained = 0;
    while drained < MAX_LINGER_BYTES {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
    Ok(())
}

enum HeadError {
    TooLarge,
    TimedOut,
    Closed,
}

/// Reads up to the blank line that ends the request head, within [`MAX_REQUEST_HEAD`] bytes
/// and [`READ_TIMEOUT`] in total (a per-read timeout alone would let a slow client trickle).
fn read_head(stream: &mut TcpStream) -> Result<Vec<u8>, HeadError> {
    let deadline = Instant::now() + READ_TIMEOUT;
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(HeadError::TimedOut);
        }
        stream.set_read_timeout(Some(left)).map_err(|_| HeadError::Closed)?;
        let n = match stream.read(&mut buf) {
            Ok(0) => return Err(HeadError::Closed),
            Ok(n) => n,
            Err(err) if matches!(err.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                return Err(HeadError::TimedOut);
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return Err(HeadError::Closed),
        };
        let searched_from = head.len().saturating_sub(3);
        head.extend_from_slice(&buf[..n]);
        if let Some(end) = find_head_end(&head[searched_from..]) {
            head.truncate(searched_from + end);
            return if head.len() > MAX_REQUEST_HEAD { Err(HeadError::TooLarge) } else { Ok(head) };
        }
        if head.len() > MAX_REQUEST_HEAD {
            return Err(HeadError::TooLarge);
        }
    }
}

/// The end of the head: `\r\n\r\n`, or `\n\n` from lenient clients.
fn find_head_end(bytes: &[u8]) -> Option<usize> {
    let crlf = bytes.windows(4).position(|it| it == b"\r\n\r\n").map(|it| it + 4);
    let lf = bytes.windows(2).position(|it| it == b"\n\n").map(|it| it + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn route(head: &[u8], assets: &[Asset]) -> Response {
    let Some(line) = head.split(|it| *it == b'\n').next() else {
        return Response::error(400, "Bad Request");
    };
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let parts: Vec<&[u8]> = line.split(|it| *it == b' ').collect();
    let [method, target, version] = parts.as_slice() else {
        return Response::error(400, "Bad Request");
    };
    if !version.starts_with(b"HTTP/1.") || !target.starts_with(b"/") {
        return Response::error(400, "Bad Request");
    }
    let head_only = match *method {
        b"GET" => false,
        b"HEAD" => true,
        _ => return Response::error(405, "Method Not Allowed"),
    };
    let path = target.split(|it| *it == b'?').next().unwrap_or_default();
    let found = assets.iter().find(|it| it.path.as_bytes() == path);
    let mut response = match found {
        Some(asset) => Response {
            status: 200,
            reason: "OK",
            content_type: asset.content_type,
            body: asset.body.clone(),
            send_body: true,
        },
        None => Response::error(404, "Not Found"),
    };
    // A HEAD answer has the headers of the GET answer, its length included, and no body.
    response.send_body = !head_only;
    response
}

struct Response {
    status: u16,
    reason: &'static str,
    content_type: &'static str,
    body: Arc<[u8]>,
    send_body: bool,
}

impl Response {
    fn error(status: u16, reason: &'static str) -> Response {
        let body = format!("{status} {reason}\n").into_bytes();
        Response { status, reason, content_type: "text/plain; charset=utf-8", body: body.into(), send_body: true }
    }

    fn write_to(&self, stream: &mut TcpStream) -> io::Result<()> {
        let allow = if self.status == 405 { "Allow: GET, HEAD\r\n" } else { "" };
        let head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{allow}Content-Security-Policy: {}\r\n\
             X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\nCache-Control: no-cache\r\n\
             Connection: close\r\n\r\n",
            self.status,
            self.reason,
            self.content_type,
            self.body.len(),
            CONTENT_SECURITY_POLICY
        );
        stream.write_all(head.as_bytes())?;
        if self.send_body { stream.write_all(&self.body) } else { Ok(()) }
    }
}
