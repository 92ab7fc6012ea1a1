//! Generator plugins (spec §7.4): discovery of `pacto-plugin-<name>`, the protocol-v1 exchange
//! over stdin/stdout, and writing the returned files, every path checked before any is written.
//! Beyond the reference: a plugin runs in its own process group and is killed, with everything
//! it started, after a timeout; its output is bounded.

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pacto_core::gofmt::quote;
use serde_json::Value;

/// Refused beyond this many bytes of plugin output: a runaway plugin cannot fill our memory.
pub const MAX_PLUGIN_OUTPUT: usize = 64 * 1024 * 1024;

/// How long a plugin may run by default (`--timeout` changes it).
pub const PLUGIN_TIMEOUT: Duration = Duration::from_secs(60);

/// Where the plugin was found.
pub fn discover(name: &str) -> Result<PathBuf, String> {
    let binary = format!("{PLUGIN_PREFIX}{name}");
    let found =
        search_dirs().into_iter().map(|(dir, usable)| (dir.join(&binary), usable)).find(|(it, usable)| usable(it));
    match found {
        Some((path, _)) => Ok(path),
        None => {
            Err(format!("plugin {} not found (looked for {binary} in $PATH and ~/.config/pacto/plugins/)", quote(name)))
        }
    }
}

/// The names of every plugin `discover` would find, sorted, for shell completion.
pub fn installed() -> Vec<String> {
    let mut names: Vec<String> = search_dirs()
        .into_iter()
        .filter_map(|(dir, usable)| Some((std::fs::read_dir(dir).ok()?, usable)))
        .flat_map(|(entries, usable)| {
            entries.filter_map(move |entry| {
                let entry = entry.ok()?;
                let name = entry.file_name().to_str()?.strip_prefix(PLUGIN_PREFIX)?.to_owned();
                (!name.is_empty() && usable(&entry.path())).then_some(name)
            })
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

const PLUGIN_PREFIX: &str = "pacto-plugin-";

/// Whether a file found in a plugin directory can be run as a plugin.
type Usable = fn(&Path) -> bool;

/// The directories searched for plugins, in order, each with the test a file there must pass.
fn search_dirs() -> Vec<(PathBuf, Usable)> {
    let mut dirs: Vec<(PathBuf, Usable)> = Vec::new();
    if let Some(paths) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&paths).map(|dir| (dir, is_executable_file as Usable)));
    }
    // Deviation: plugins installed beside `pacto` (as `pacto-plugin-kubernetes` is) are found
    // without being on PATH.
    if let Some(dir) = std::env::current_exe().ok().and_then(|exe| Some(exe.parent()?.to_path_buf())) {
        dirs.push((dir, is_executable_file));
    }
    // The reference's plugin directory takes any file there, executable or not.
    if let Some(dir) = config_dir() {
        dirs.push((dir.join("plugins"), |it: &Path| it.exists() && !it.is_dir()));
    }
    dirs
}

fn is_executable_file(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|it| it.is_file() && it.permissions().mode() & 0o111 != 0)
}

/// `$XDG_CONFIG_HOME/pacto`, else `$HOME/.config/pacto` (spec §6.1).
fn config_dir() -> Option<PathBuf> {
    match std::env::var_os("XDG_CONFIG_HOME").filter(|it| !it.is_empty()) {
        Some(dir) => Some(PathBuf::from(dir).join("pacto")),
        None => std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config/pacto")),
    }
}

/// One file a plugin returned.
pub struct GeneratedFile {
    pub path: String,
    pub content: String,
}

pub struct Response {
    pub files: Vec<GeneratedFile>,
    pub message: String,
}

/// Runs the plugin with the request on stdin; kills its whole process group after `timeout`.
pub fn run(name: &str, binary: &Path, request: &[u8], timeout: Duration) -> Result<Response, String> {
    let mut child = Command::new(binary)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own group, so a timeout can stop every process it started.
        .process_group(0)
        .spawn()
        .map_err(|err| format!("plugin {name}: {err}"))?;
    let pid = child.id();
    let mut stdin = child.stdin.take().expect("piped");
    let request = request.to_vec();
    // A plugin that never reads its input must not block us: write from a thread.
    std::thread::spawn(move || {
        let _ = stdin.write_all(&request);
    });
    let stdout = bounded_reader(child.stdout.take().expect("piped"));
    let stderr = bounded_reader(child.stderr.take().expect("piped"));
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|err| format!("plugin {name}: {err}"))? {
            break status;
        }
        if Instant::now() >= deadline {
            kill_group(pid);
            let _ = child.wait();
            return Err(format!(
                "plugin {name} did not finish within {} s and was stopped (use --timeout to allow more)",
                timeout.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    // The plugin is done; anything it left running in its group goes with it.
    kill_group(pid);
    let stdout = stdout.join().unwrap_or(Err(()));
    let stderr = stderr.join().unwrap_or(Err(()));
    let Ok(stdout) = stdout else {
        return Err(format!("plugin {name} wrote more than {MAX_PLUGIN_OUTPUT} bytes of output; refused"));
    };
    if !status.success() {
        let stderr = String::from_utf8_lossy(&stderr.unwrap_or_default()).trim().to_owned();
        return Err(match (stderr.is_empty(), status.code()) {
            (false, _) => format!("plugin {name}: {stderr}"),
            (true, Some(code)) => format!("plugin {name}: exit status {code}"),
            (true, None) => format!("plugin {name}: killed by a signal"),
        });
    }
    parse_response(name, &stdout)
}

/// Reads a pipe to its end, keeping at most `MAX_PLUGIN_OUTPUT` bytes; `Err` when there was more.
fn bounded_reader(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Result<Vec<u8>, ()>> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut chunk = vec![0; 64 * 1024];
        loop {
            match pipe.read(&mut chunk) {
                Ok(0) => return Ok(kept),
                Ok(n) if kept.len() + n > MAX_PLUGIN_OUTPUT => return Err(()),
                Ok(n) => kept.extend_from_slice(&chunk[..n]),
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return Ok(kept),
            }
        }
    })
}

fn kill_group(pid: u32) {
    // SAFETY: `kill` with a negative pid signals the process group; it has no memory effects.
    unsafe {
        libc::kill(-(pid as i32), libc::SIGKILL);
    }
}

fn parse_response(name: &str, stdout: &[u8]) -> Result<Response, String> {
    let value: Value =
        serde_json::from_slice(stdout).map_err(|err| format!("plugin {name} returned invalid output: {err}"))?;
    let invalid = |what: &str| format!("plugin {name} returned invalid output: {what}");
    let files = match value.get("files") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                let path = item.get("path").and_then(Value::as_str).ok_or_else(|| invalid("a file without a path"))?;
                let content = item.get("content").and_then(Value::as_str).unwrap_or_default();
                Ok(GeneratedFile { path: path.to_owned(), content: content.to_owned() })
            })
            .collect::<Result<_, String>>()?,
        Some(_) => return Err(invalid("\"files\" is not a list")),
    };
    let message = value.get("message").and_then(Value::as_str).unwrap_or_default().to_owned();
    Ok(Response { files, message })
}

/// Where each file goes under `output` (absolute): an absolute plugin path is re-rooted under
/// the output directory, as Go's `filepath.Join` does; one that climbs out is refused. Every
/// path is checked before any file is written.
pub fn destinations(output: &Path, files: &[GeneratedFile]) -> Result<Vec<PathBuf>, String> {
    files
        .iter()
        .map(|file| {
            let mut relative = PathBuf::new();
            for component in Path::new(&file.path).components() {
                match component {
                    Component::Normal(part) => relative.push(part),
                    Component::ParentDir if relative.pop() => {}
                    Component::ParentDir => {
                        return Err(format!("plugin file path {} escapes output directory", quote(&file.path)));
                    }
                    Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
                }
            }
            if relative.as_os_str().is_empty() {
                return Err(format!("plugin file path {} names the output directory itself", quote(&file.path)));
            }
            Ok(output.join(relative))
        })
        .collect()
}
