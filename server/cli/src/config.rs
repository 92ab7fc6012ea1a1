//! The config file (`--config FILE`, `PACTO_CONFIG`, else `$HOME/.config/pacto/pacto.yaml`): YAML
//! with the global flags' names as keys, read as the reference's viper does. It only fills what
//! neither a flag nor the environment set.

use std::path::{Path, PathBuf};

use pacto_core::syntax::{self, LineIndex, Node, ScalarValue, Span};

/// The reference's keys, named as its flags are.
const OUTPUT_FORMAT_KEY: &str = "output-format";
const NO_CACHE_KEY: &str = "no-cache";
const VERBOSE_KEY: &str = "verbose";

/// Refused beyond this: a config file holds three settings, and a stray path (a log, an image)
/// must not be read whole into memory before it fails to parse.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// What a config file sets; `None` where it says nothing.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Settings {
    pub output_format: Option<String>,
    pub no_cache: Option<bool>,
    pub verbose: Option<bool>,
}

/// Where the config comes from: the file named by the flag or `PACTO_CONFIG`, which must exist, or
/// the default file, which may be absent.
pub fn path(explicit: Option<&str>, home: Option<&Path>) -> Option<(PathBuf, bool)> {
    match explicit.filter(|it| !it.is_empty()) {
        Some(file) => Some((PathBuf::from(file), true)),
        // Deviation: viper also looks for `./pacto.yaml`, which in a bundle is the contract itself;
        // only the per-user file is read here.
        None => home.map(|it| (it.join(".config").join("pacto").join("pacto.yaml"), false)),
    }
}

/// Reads the config file at `path`; `required` is false for the default location, whose absence
/// is no error.
///
/// Deviation: the reference ignores a file it cannot read or parse; here that is an error naming
/// the file, since a silently ignored setting is worse than a refused run.
pub fn read(path: &Path, required: bool) -> Result<Settings, String> {
    let shown = path.display();
    let metadata = match std::fs::metadata(path) {
        Ok(it) => it,
        // The default location is looked at, not asked for: a home we may not enter (a command run
        // under another user id with this HOME) is no config file, as for viper.
        Err(_) if !required => return Ok(Settings::default()),
        Err(err) => return Err(format!("failed to read config file {shown}: {}", pacto_oci::error::reason(&err))),
    };
    if !metadata.is_file() {
        return Err(format!("failed to read config file {shown}: not a regular file"));
    }
    if metadata.len() > MAX_CONFIG_BYTES {
        return Err(format!("failed to read config file {shown}: larger than {MAX_CONFIG_BYTES} bytes"));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|err| format!("failed to read config file {shown}: {}", pacto_oci::error::reason(&err)))?;
    parse(&text).map_err(|(span, message)| {
        let at = LineIndex::new(&text).line_col(&text, span.start);
        format!("failed to parse config file {shown}:{}:{}: {message}", at.line, at.column)
    })
}

/// The settings in `text`; an error is the span it is about and a message.
fn parse(text: &str) -> Result<Settings, (Span, String)> {
    let parsed = syntax::parse(text);
    if let Some(error) = parsed.errors.first() {
        return Err((error.span, error.message.clone()));
    }
    let mut settings = Settings::default();
    let Some(root) = parsed.root.filter(|it| !it.is_null()) else {
        return Ok(settings);
    };
    let Some(entries) = root.as_mapping() else {
        return Err((root.head_span(), "expected a mapping of settings (output-format, no-cache, verbose)".into()));
    };
    for entry in entries {
        // Viper folds keys to lower case; other keys are not ours and are left alone, as viper does.
        let Some(key) = entry.key.scalar_text().map(str::to_ascii_lowercase) else { continue };
        match key.as_str() {
            OUTPUT_FORMAT_KEY => settings.output_format = Some(string(&entry.value, OUTPUT_FORMAT_KEY)?),
            NO_CACHE_KEY => settings.no_cache = Some(boolean(&entry.value, NO_CACHE_KEY)?),
            VERBOSE_KEY => settings.verbose = Some(boolean(&entry.value, VERBOSE_KEY)?),
            _ => {}
        }
    }
    Ok(settings)
}

fn string(node: &Node, key: &str) -> Result<String, (Span, String)> {
    match node.as_scalar() {
        Some(scalar) if scalar.value != ScalarValue::Null => Ok(String::from(&*scalar.text)),
        _ => Err((node.head_span(), format!("{key} must be a string"))),
    }
}

/// A YAML boolean, or one of the strings Go's `strconv.ParseBool` takes, which is what viper's
/// `GetBool` accepts from a file.
fn boolean(node: &Node, key: &str) -> Result<bool, (Span, String)> {
    let scalar = node.as_scalar();
    if let Some(ScalarValue::Bool(value)) = scalar.map(|it| &it.value) {
        return Ok(*value);
    }
    match scalar.map(|it| &*it.text) {
        Some("1" | "t" | "T" | "TRUE" | "true" | "True") => Ok(true),
        Some("0" | "f" | "F" | "FALSE" | "false" | "False") => Ok(false),
        _ => Err((node.head_span(), format!("{key} must be true or false"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<Settings, String> {
        parse(text).map_err(|(span, message)| format!("{}..{}: {message}", span.start, span.end))
    }

    #[test]
    fn config_keys_are_read_and_others_left_alone() {
        let settings = check("output-format: json\nNo-Cache: true\nverbose: \"1\"\nupdate-check: false\n").unwrap();
        assert_eq!(
            settings,
            Settings { output_format: Some("json".into()), no_cache: Some(true), verbose: Some(true) }
        );
        assert_eq!(check("").unwrap(), Settings::default());
        assert_eq!(check("# nothing\n").unwrap(), Settings::default());
    }

    #[test]
    fn config_bad_values_name_the_key_and_where() {
        assert_eq!(check("verbose: maybe\n").unwrap_err(), "9..14: verbose must be true or false");
        assert_eq!(check("output-format: [json]\n").unwrap_err(), "16..20: output-format must be a string");
        assert_eq!(
            check("- json\n").unwrap_err(),
            "2..6: expected a mapping of settings (output-format, no-cache, verbose)"
        );
    }
}
