//! A forgiving reader in front of tower-lsp-server: its codec ends the input at the first bad
//! frame (the server then exits), so malformed frames and bodies are dropped here, with a log
//! line, and only well-formed JSON-RPC messages are handed on.

use std::io::{BufRead, BufReader, Read, Write};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::sync::mpsc;
use tower_lsp_server::ls_types::{Diagnostic, Uri};

/// Refused beyond this: a client cannot make the server allocate gigabytes with one header.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

/// Bytes of output buffered between the server and the stdout thread; past it the server waits for the client to
/// read, as it would on a full pipe.
const OUTPUT_BUFFER_BYTES: usize = 1 << 20;
/// Chunks read from that buffer at a time.
const OUTPUT_CHUNK_BYTES: usize = 64 * 1024;

/// Whole frames for the stdout thread, written beside tower-lsp-server's own output (see [`diagnostics_frame`]).
pub type FrameSender = mpsc::Sender<Vec<u8>>;

/// The server's output: what is written to the returned stream goes to `output` from a plain thread, and so do the
/// frames sent on the returned sender, each between two of the stream's frames, never inside one.
///
/// Not `tokio::io::stdout()`: it writes on the runtime's blocking pool, where the registry client's host-name
/// lookups wait as long as an unanswering resolver takes (issue #15); every publish and every answer then waited
/// behind them, ~5 s each with many `oci://` dependencies on an unreachable registry.
pub fn spawn_writer<W: Write + Send + 'static>(mut output: W) -> (DuplexStream, FrameSender) {
    let (server_end, mut reader) = tokio::io::duplex(OUTPUT_BUFFER_BYTES);
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(16);
    let frames_tx = tx.clone();
    tokio::spawn(async move {
        let mut chunk = vec![0; OUTPUT_CHUNK_BYTES];
        let mut splitter = FrameSplitter::default();
        while let Ok(n) = reader.read(&mut chunk).await {
            if n == 0 {
                return;
            }
            for frame in splitter.push(&chunk[..n]) {
                if tx.send(frame).await.is_err() {
                    return;
                }
            }
        }
    });
    std::thread::Builder::new()
        .name("pacto-lsp-stdout".to_owned())
        .spawn(move || {
            while let Some(bytes) = rx.blocking_recv() {
                if output.write_all(&bytes).and_then(|()| output.flush()).is_err() {
                    return;
                }
            }
        })
        .expect("the stdout thread starts");
    (server_end, frames_tx)
}

/// Cuts the byte stream tower-lsp-server writes (`Content-Length` header, body) back into whole frames.
#[derive(Default)]
struct FrameSplitter {
    buffer: Vec<u8>,
    /// The length of the frame at the start of `buffer` (header included), once its header is complete.
    frame_len: Option<usize>,
}

impl FrameSplitter {
    fn push(&mut self, bytes: &[u8]) -> Vec<Vec<u8>> {
        self.buffer.extend_from_slice(bytes);
        let mut frames = Vec::new();
        let mut start = 0;
        loop {
            let rest = &self.buffer[start..];
            let frame_len = match self.frame_len {
                Some(it) => it,
                None => {
                    let Some(end) = rest.windows(4).position(|it| it == b"\r\n\r\n") else {
                        break;
                    };
                    // tower-lsp-server always writes the header; without one the bytes go on as they are.
                    end + 4 + content_length(&rest[..end]).unwrap_or(0)
                }
            };
            if rest.len() < frame_len {
                self.frame_len = Some(frame_len);
                break;
            }
            self.frame_len = None;
            if start == 0 && frame_len == self.buffer.len() {
                frames.push(std::mem::take(&mut self.buffer));
                return frames;
            }
            frames.push(rest[..frame_len].to_vec());
            start += frame_len;
        }
        self.buffer.drain(..start);
        frames
    }
}

fn content_length(header: &[u8]) -> Option<usize> {
    let header = std::str::from_utf8(header).ok()?;
    header.split("\r\n").find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim().eq_ignore_ascii_case("content-length").then(|| value.trim().parse().ok())?
    })
}

/// `textDocument/publishDiagnostics` as one frame, serialized straight from the diagnostics: through
/// tower-lsp-server's client each publish became a `serde_json::Value` first (a map per diagnostic, range and
/// position), a quarter of the CPU of an edit of a big contract with many findings (issue #15).
pub fn diagnostics_frame(uri: &Uri, diagnostics: &[Diagnostic], version: Option<i32>) -> Vec<u8> {
    let mut frame = DiagnosticsFrame::new(uri, 0);
    diagnostics.iter().for_each(|it| frame.push(it));
    frame.finish(version)
}

/// Room kept at the front of a [`DiagnosticsFrame`] for its header, the longest `Content-Length` there can be.
const HEADER_ROOM: usize = "Content-Length: 18446744073709551615\r\n\r\n".len();

/// A [`diagnostics_frame`] written as its diagnostics come, some of them as runs serialized before
/// ([`serialized_run`]): the same bytes as if none were. Nothing but the frame is kept: the 5,000-line contract's
/// publish is half a megabyte, and its LSP values, a body grown by doubling and the frame copied behind a header
/// were held at once, at the server's peak.
pub struct DiagnosticsFrame {
    buffer: Vec<u8>,
    empty: bool,
}

impl DiagnosticsFrame {
    /// `capacity`: the bytes the diagnostics are expected to take.
    pub fn new(uri: &Uri, capacity: usize) -> DiagnosticsFrame {
        let mut buffer = Vec::with_capacity(HEADER_ROOM + 256 + capacity);
        buffer.resize(HEADER_ROOM, b' ');
        buffer.extend_from_slice(br#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"#);
        serde_json::to_writer(&mut buffer, uri).expect("a URI serializes to JSON");
        buffer.extend_from_slice(br#","diagnostics":["#);
        DiagnosticsFrame { buffer, empty: true }
    }

    pub fn push(&mut self, diagnostic: &Diagnostic) {
        self.separate();
        serde_json::to_writer(&mut self.buffer, diagnostic).expect("a diagnostic serializes to JSON");
    }

    /// Diagnostics serialized before, objects joined by commas.
    pub fn push_run(&mut self, run: &[u8]) {
        if !run.is_empty() {
            self.separate();
            self.buffer.extend_from_slice(run);
        }
    }

    fn separate(&mut self) {
        if !std::mem::take(&mut self.empty) {
            self.buffer.push(b',');
        }
    }

    /// The frame, header and body, in the buffer the diagnostics were written to.
    pub fn finish(self, version: Option<i32>) -> Vec<u8> {
        let mut buffer = self.buffer;
        buffer.push(b']');
        if let Some(version) = version {
            buffer.extend_from_slice(format!(r#","version":{version}"#).as_bytes());
        }
        buffer.extend_from_slice(b"}}");
        let header = format!("Content-Length: {}\r\n\r\n", buffer.len() - HEADER_ROOM);
        let start = HEADER_ROOM - header.len();
        buffer[start..HEADER_ROOM].copy_from_slice(header.as_bytes());
        buffer.drain(..start);
        buffer
    }
}

/// Diagnostics serialized as a run for [`DiagnosticsFrame::push_run`].
pub fn serialized_run(diagnostics: impl IntoIterator<Item = Diagnostic>) -> Vec<u8> {
    let mut run = Vec::new();
    for (idx, diagnostic) in diagnostics.into_iter().enumerate() {
        if idx > 0 {
            run.push(b',');
        }
        serde_json::to_writer(&mut run, &diagnostic).expect("a diagnostic serializes to JSON");
    }
    run
}

/// Reads frames from `input` on a plain thread (stdin reads block) and forwards clean frames.
pub fn spawn_reader<R: Read + Send + 'static>(input: R) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel(64);
    std::thread::Builder::new()
        .name("pacto-lsp-stdin".to_owned())
        .spawn(move || {
            let mut reader = BufReader::new(input);
            while let Some(frame) = next_frame(&mut reader) {
                if tx.blocking_send(frame).is_err() {
                    return;
                }
            }
        })
        .expect("the stdin thread starts");
    rx
}

/// Copies forwarded frames into the server's input pipe, re-framed.
pub async fn pump(mut frames: mpsc::Receiver<Vec<u8>>, mut pipe: DuplexStream) {
    while let Some(body) = frames.recv().await {
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        if pipe.write_all(header.as_bytes()).await.is_err() || pipe.write_all(&body).await.is_err() {
            return;
        }
    }
}

/// The next well-formed message body, skipping anything malformed; `None` at end of input.
fn next_frame<R: BufRead>(reader: &mut R) -> Option<Vec<u8>> {
    loop {
        let mut content_length: Option<usize> = None;
        let mut saw_header = false;
        let mut bad_header = false;
        loop {
            let mut line = Vec::new();
            if reader.read_until(b'\n', &mut line).ok()? == 0 {
                return None;
            }
            let text = String::from_utf8_lossy(&line);
            let mut text = text.trim_end_matches(['\r', '\n']);
            // After a bad frame the unread body runs into the next header: resynchronise on it.
            if let Some(at) = text.to_ascii_lowercase().find("content-length:").filter(|it| *it > 0) {
                text = &text[at..];
                content_length = None;
                bad_header = false;
            }
            if text.is_empty() {
                if saw_header {
                    break;
                }
                continue;
            }
            saw_header = true;
            match text.split_once(':') {
                Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                    content_length = value.trim().parse().ok();
                    bad_header |= content_length.is_none();
                }
                Some(_) => {}
                None => bad_header = true,
            }
        }
        let Some(length) = content_length.filter(|it| !bad_header && *it <= MAX_MESSAGE_BYTES) else {
            tracing::warn!("dropped a frame with a missing or invalid Content-Length header");
            continue;
        };
        let mut body = vec![0; length];
        reader.read_exact(&mut body).ok()?;
        match serde_json::from_slice::<Value>(&body) {
            Ok(message) if is_json_rpc(&message) => return Some(body),
            Ok(_) => tracing::warn!("dropped a message that is not JSON-RPC 2.0"),
            Err(err) => tracing::warn!("dropped a message whose body is not JSON: {err}"),
        }
    }
}

/// The shape tower-lsp-server can decode without ending its input stream.
fn is_json_rpc(message: &Value) -> bool {
    let Some(object) = message.as_object() else {
        return false;
    };
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return false;
    }
    let id_ok = match object.get("id") {
        None | Some(Value::Null | Value::String(_)) => true,
        Some(Value::Number(number)) => number.is_i64() || number.is_u64(),
        Some(_) => false,
    };
    let params_ok = matches!(object.get("params"), None | Some(Value::Null | Value::Object(_) | Value::Array(_)));
    let is_request = object.get("method").is_some_and(Value::is_string);
    let is_response = object.contains_key("id") && (object.contains_key("result") || object.contains_key("error"));
    id_ok && params_ok && (is_request || is_response)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes into a channel, one message per write.
    struct Sink(std::sync::mpsc::Sender<Vec<u8>>);

    impl Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            let _ = self.0.send(bytes.to_vec());
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The frame written by hand reads as the notification serde writes, with or without runs serialized before.
    #[test]
    fn a_frame_of_serialized_runs_is_the_notification_serde_writes() {
        use tower_lsp_server::ls_types::{NumberOrString, Position, PublishDiagnosticsParams, Range};
        let uri: Uri = "file:///w/p%20a/pacto.yaml".parse().unwrap();
        let diagnostic = |line: u32, message: &str| Diagnostic {
            range: Range::new(Position::new(line, 0), Position::new(line, 4)),
            code: Some(NumberOrString::String("CODE".to_owned())),
            message: message.to_owned(),
            ..Default::default()
        };
        let all = vec![diagnostic(0, "a \"quoted\" é"), diagnostic(1, "b"), diagnostic(2, "c\nd"), diagnostic(3, "e")];
        for version in [Some(7), None] {
            let params = PublishDiagnosticsParams { uri: uri.clone(), diagnostics: all.clone(), version };
            let expected =
                serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": params});
            let run = serialized_run(all[1..3].iter().cloned());
            let mut parts = DiagnosticsFrame::new(&uri, 16);
            parts.push(&all[0]);
            parts.push_run(&run);
            parts.push_run(b"");
            parts.push(&all[3]);
            for frame in [diagnostics_frame(&uri, &all, version), parts.finish(version)] {
                let text = String::from_utf8(frame).unwrap();
                let (header, body) = text.split_once("\r\n\r\n").unwrap();
                assert_eq!(header, format!("Content-Length: {}", body.len()));
                assert_eq!(serde_json::from_str::<Value>(body).unwrap(), expected);
            }
        }
        let mut empty = DiagnosticsFrame::new(&uri, 0);
        empty.push_run(b"");
        let empty = String::from_utf8(empty.finish(None)).unwrap();
        assert!(empty.starts_with("Content-Length: 123\r\n\r\n{"), "{empty}");
        assert!(empty.ends_with(r#""diagnostics":[]}}"#), "{empty}");
    }

    /// Output reaches the client while every thread of the runtime's blocking pool waits (on host-name lookups of a
    /// silent resolver, in issue #15). The runtime is built as the server builds its own, with a small pool.
    #[test]
    fn output_does_not_wait_for_the_runtimes_blocking_pool() {
        use std::time::Duration;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let mut releases = Vec::new();
        for _ in 0..2 {
            let (release, wait) = std::sync::mpsc::channel::<()>();
            releases.push(release);
            runtime.spawn_blocking(move || wait.recv_timeout(Duration::from_secs(60)));
        }
        let (sent, received) = std::sync::mpsc::channel();
        runtime.block_on(async {
            let (mut output, _) = spawn_writer(Sink(sent));
            output.write_all(b"Content-Length: 2\r\n\r\n{}").await.unwrap();
        });
        let written = received.recv_timeout(Duration::from_secs(10));
        assert_eq!(written.map(String::from_utf8), Ok(Ok("Content-Length: 2\r\n\r\n{}".to_owned())));
        drop(releases);
    }

    #[test]
    fn bad_frames_are_skipped_and_good_ones_kept() {
        let good = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = format!(
            "Content-Length: abc\r\n\r\n{{}}Content-Length: 5\r\n\r\nnope!Content-Length: 2\r\n\r\n[]Content-Length: {}\r\n\r\n{good}",
            good.len()
        );
        let mut reader = std::io::Cursor::new(input.into_bytes());
        assert_eq!(next_frame(&mut reader).map(String::from_utf8), Some(Ok(good.to_owned())));
        assert_eq!(next_frame(&mut reader), None);
    }

    /// However the stream is cut into reads, the same whole frames come out, in order: a frame written beside them
    /// can only land between two.
    #[test]
    fn the_output_is_cut_into_whole_frames_whatever_the_reads() {
        let bodies = [r#"{"jsonrpc":"2.0","id":1,"result":null}"#, "{}", r#"{"a":"é\r\n\r\n"}"#, ""];
        let stream: Vec<u8> =
            bodies.iter().flat_map(|it| format!("Content-Length: {}\r\n\r\n{it}", it.len()).into_bytes()).collect();
        let expected: Vec<Vec<u8>> =
            bodies.iter().map(|it| format!("Content-Length: {}\r\n\r\n{it}", it.len()).into_bytes()).collect();
        for size in 1..=stream.len() {
            let mut splitter = FrameSplitter::default();
            let frames: Vec<Vec<u8>> = stream.chunks(size).flat_map(|it| splitter.push(it)).collect();
            assert_eq!(frames, expected, "reads of {size} bytes");
            assert!(splitter.buffer.is_empty() && splitter.frame_len.is_none());
        }
    }

    /// A publish written as its own frame reads as the notification tower-lsp-server would have sent.
    #[test]
    fn a_diagnostics_frame_is_the_notification_tower_lsp_sends() {
        use tower_lsp_server::ls_types::{Position, Range};
        let uri: Uri = "file:///tmp/caf%C3%A9/pacto.yaml".parse().unwrap();
        let range = Range::new(Position::new(1, 2), Position::new(1, 9));
        let diagnostics = vec![Diagnostic::new_simple(range, "port must be ≤ 65535 — \"x\"".to_owned())];
        let frame = diagnostics_frame(&uri, &diagnostics, Some(7));
        let header_end = frame.windows(4).position(|it| it == b"\r\n\r\n").unwrap();
        let header = std::str::from_utf8(&frame[..header_end]).unwrap();
        assert_eq!(header, format!("Content-Length: {}", frame.len() - header_end - 4));
        let params =
            tower_lsp_server::ls_types::PublishDiagnosticsParams::new(uri.clone(), diagnostics.clone(), Some(7));
        let expected = serde_json::json!({
            "jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": serde_json::to_value(params).unwrap()
        });
        assert_eq!(serde_json::from_slice::<Value>(&frame[header_end + 4..]).unwrap(), expected);
        let unversioned = diagnostics_frame(&uri, &[], None);
        let start = unversioned.windows(4).position(|it| it == b"\r\n\r\n").unwrap() + 4;
        let body: Value = serde_json::from_slice(&unversioned[start..]).unwrap();
        assert_eq!(body["params"], serde_json::json!({"uri": uri.as_str(), "diagnostics": []}));
    }
}
