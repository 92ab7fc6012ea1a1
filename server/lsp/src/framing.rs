//! A forgiving reader in front of tower-lsp-server: its codec ends the input at the first bad
//! frame (the server then exits), so malformed frames and bodies are dropped here, with a log
//! line, and only well-formed JSON-RPC messages are handed on.

use std::io::{BufRead, BufReader, Read};

use serde_json::Value;
use tokio::io::{AsyncWriteExt, DuplexStream};
use tokio::sync::mpsc;

/// Refused beyond this: a client cannot make the server allocate gigabytes with one header.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

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
}
