//! `-v` debug lines on stderr in the shape of Go's slog text handler (`time=… level=DEBUG msg=…`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static VERBOSE: AtomicBool = AtomicBool::new(false);

pub fn set_verbose(on: bool) {
    VERBOSE.store(on, Ordering::Relaxed);
}

/// Writes one debug line when `-v` is on; `fields` are `key=value` pairs, values quoted when
/// they hold spaces. Never pass document text or credentials.
pub fn debug(msg: &str, fields: &[(&str, &dyn std::fmt::Display)]) {
    if !VERBOSE.load(Ordering::Relaxed) {
        return;
    }
    let mut line = format!("time={} level=DEBUG msg={}", now_rfc3339(), quote(msg));
    for (key, value) in fields {
        line.push_str(&format!(" {key}={}", quote(&value.to_string())));
    }
    eprintln!("{line}");
}

fn quote(value: &str) -> String {
    if value.is_empty() || value.contains([' ', '"', '=']) { format!("{value:?}") } else { value.to_owned() }
}

/// UTC now as `2006-01-02T15:04:05.000Z`, computed from the civil calendar (no date crate).
fn now_rfc3339() -> String {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        since.subsec_millis()
    )
}
