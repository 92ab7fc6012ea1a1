//! A fake registry for the faults Distribution never produces (a 5xx, a blob whose bytes do not match its
//! digest, a server that accepts and never answers): a real HTTP/1.1 server on 127.0.0.1, one thread per
//! connection, each request answered with what the test crafts. It records the requests it saw.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A connection that sends nothing for this long is dropped (a client that connected and gave up).
const IDLE: Duration = Duration::from_secs(10);

#[derive(Clone, Debug)]
pub enum Reply {
    /// A status with an empty body.
    Status(u16),
    /// A status and a body of this content type; `digest` goes into `Docker-Content-Digest`.
    Body { status: u16, content_type: &'static str, digest: Option<String>, body: Vec<u8> },
    /// Accept the request, read it, and never answer.
    Silent,
    /// 401 with this `WWW-Authenticate` challenge, to make a client send its credentials.
    Challenge(&'static str),
}

/// Routes by `"<METHOD> <path>"` (`HEAD` falls back to the `GET` route); `GET /v2/` answers 200 unless
/// routed; anything else is a 404.
pub struct FakeRegistry {
    /// `127.0.0.1:<port>`.
    pub addr: String,
    seen: Arc<Seen>,
    stop: Arc<AtomicBool>,
}

impl FakeRegistry {
    pub fn start(routes: HashMap<String, Reply>) -> FakeRegistry {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let routes = Arc::new(routes);
        let (seen_by_server, stop_seen_by_server) = (seen.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop_seen_by_server.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (routes, seen, stop) = (routes.clone(), seen_by_server.clone(), stop_seen_by_server.clone());
                std::thread::spawn(move || serve(stream, &routes, &seen, &stop));
            }
        });
        FakeRegistry { addr, seen, stop }
    }

    /// A server that accepts every connection and never answers anything.
    pub fn silent() -> FakeRegistry {
        FakeRegistry::start(HashMap::from([(DEFAULT_ROUTE.to_owned(), Reply::Silent)]))
    }

    /// Every request seen so far, as `"<METHOD> <path>"`.
    pub fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap().iter().map(|(request, _)| request.clone()).collect()
    }

    /// Every request seen so far with the `Authorization` header it carried.
    pub fn authorizations(&self) -> Vec<(String, Option<String>)> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for FakeRegistry {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag and ends.
        let _ = TcpStream::connect(&self.addr);
    }
}

/// Each request as `"<METHOD> <path>"` and its `Authorization` header.
type Seen = Mutex<Vec<(String, Option<String>)>>;

/// The key of the reply for requests no route names.
const DEFAULT_ROUTE: &str = "*";

fn serve(stream: TcpStream, routes: &HashMap<String, Reply>, seen: &Seen, stop: &AtomicBool) {
    let _ = stream.set_read_timeout(Some(IDLE));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    // Keep-alive: one connection may carry several requests.
    while let Some((method, path, authorization)) = read_request(&mut reader) {
        let key = format!("{method} {path}");
        seen.lock().unwrap().push((key.clone(), authorization));
        let reply = routes
            .get(&key)
            .or_else(|| (method == "HEAD").then(|| routes.get(&format!("GET {path}"))).flatten())
            .or_else(|| routes.get(DEFAULT_ROUTE))
            .cloned()
            .unwrap_or(if key == "GET /v2/" { Reply::Status(200) } else { Reply::Status(404) });
        let (status, content_type, header, body) = match reply {
            Reply::Silent => {
                while !stop.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(20));
                }
                return;
            }
            Reply::Status(status) => (status, "text/plain", None, Vec::new()),
            Reply::Challenge(challenge) => {
                (401, "text/plain", Some(("WWW-Authenticate", challenge.to_owned())), Vec::new())
            }
            Reply::Body { status, content_type, digest, body } => {
                (status, content_type, digest.map(|it| ("Docker-Content-Digest", it)), body)
            }
        };
        let mut head = format!(
            "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n",
            reason(status),
            body.len()
        );
        if let Some((name, value)) = header {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        if writer.write_all(head.as_bytes()).is_err() {
            return;
        }
        if method != "HEAD" && writer.write_all(&body).is_err() {
            return;
        }
    }
}

/// Reads one request's line and headers, and skips its body; `None` at the end of the connection.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<(String, String, Option<String>)> {
    let mut line = String::new();
    reader.read_line(&mut line).ok().filter(|it| *it > 0)?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let mut content_length = 0u64;
    let mut authorization = None;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok().filter(|it| *it > 0)?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                content_length = value.trim().parse().ok()?;
            }
            if name.trim().eq_ignore_ascii_case("authorization") {
                authorization = Some(value.trim().to_owned());
            }
        }
    }
    std::io::copy(&mut reader.by_ref().take(content_length), &mut std::io::sink()).ok()?;
    Some((method, path, authorization))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        401 => "Unauthorized",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Status",
    }
}

/// Routes serving the example as pacto pushes it: its manifest under `repository:tag`, and its blobs.
pub fn example_routes(repository: &str, tag: &str) -> (HashMap<String, Reply>, pacto_oci::layout::Artifact) {
    let example = crate::example();
    let archive = pacto_oci::pack(&example, &pacto_oci::PackOptions::DEFAULT).unwrap();
    let labels =
        pacto_oci::layout::Labels { name: "payments-api".into(), version: "2.1.0".into(), pacto_version: "1.0".into() };
    let artifact = pacto_oci::layout::Artifact::new(archive, &labels);
    let manifest = Reply::Body {
        status: 200,
        content_type: pacto_oci::layout::MANIFEST_MEDIA_TYPE,
        digest: Some(artifact.manifest.descriptor.digest.to_string()),
        body: artifact.manifest.bytes.clone(),
    };
    let mut routes = HashMap::from([(format!("GET /v2/{repository}/manifests/{tag}"), manifest)]);
    for blob in [&artifact.layer, &artifact.config] {
        let digest = blob.descriptor.digest.to_string();
        let body = Reply::Body {
            status: 200,
            content_type: "application/octet-stream",
            digest: None,
            body: blob.bytes.clone(),
        };
        routes.insert(format!("GET /v2/{repository}/blobs/{digest}"), body);
    }
    (routes, artifact)
}
