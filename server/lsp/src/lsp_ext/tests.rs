//! `editors/vscode/src/lsp_ext.ts` against this module: the same methods and commands, the same interfaces
//! with the same fields, the same arity of each command's arguments and the same values of each enum. The
//! Rust shapes are read through serde (what it would deserialize), the TypeScript ones from the file's text.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use serde::de::{self, Deserializer, Visitor};

use super::*;

/// The commands the server hands to the client, in code lenses.
const CLIENT_COMMANDS: &[&str] = &[ShowReferences::NAME];

/// The requests an editor sends (not the test hooks).
const REQUESTS: &[&str] = &[DiffDocument::METHOD];

/// What serde asked of a deserializer for a type: its shape as JSON sees it.
#[derive(Debug, PartialEq)]
enum Shape {
    Struct { name: &'static str, fields: &'static [&'static str] },
    Enum { name: &'static str, variants: &'static [&'static str] },
    Tuple(usize),
    Other,
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

impl std::error::Error for Shape {}

impl de::Error for Shape {
    fn custom<T: fmt::Display>(_: T) -> Shape {
        Shape::Other
    }
}

/// A deserializer that answers each request with the shape it was asked for, as an error.
struct ShapeOf;

impl<'de> Deserializer<'de> for ShapeOf {
    type Error = Shape;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> std::result::Result<V::Value, Shape> {
        Err(Shape::Other)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> std::result::Result<V::Value, Shape> {
        Err(Shape::Struct { name, fields })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        _: V,
    ) -> std::result::Result<V::Value, Shape> {
        Err(Shape::Enum { name, variants })
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, _: V) -> std::result::Result<V::Value, Shape> {
        Err(Shape::Tuple(len))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple_struct map identifier ignored_any
    }
}

fn shape<T: DeserializeOwned>() -> Shape {
    match T::deserialize(ShapeOf) {
        Ok(_) => Shape::Other,
        Err(shape) => shape,
    }
}

/// The interfaces (by name, their field names) and enums (by name, their values) of this module.
fn rust_types() -> (BTreeMap<String, BTreeSet<String>>, BTreeMap<String, BTreeSet<String>>) {
    let shapes = [
        shape::<InitializationOptions>(),
        shape::<DiffDocumentParams>(),
        shape::<DiffDocumentResult>(),
        shape::<DiffAgainst>(),
        shape::<<DependencyGraph as Command>::Result>(),
        shape::<GenerateParams>(),
        shape::<<Generate as Command>::Result>(),
        shape::<GeneratedFile>(),
    ];
    let (mut interfaces, mut enums) = (BTreeMap::new(), BTreeMap::new());
    for it in shapes {
        let strings = |names: &[&str]| names.iter().map(|it| it.to_string()).collect();
        match it {
            Shape::Struct { name, fields } => interfaces.insert(name.to_owned(), strings(fields)),
            Shape::Enum { name, variants } => enums.insert(name.to_owned(), strings(variants)),
            other => panic!("not a struct or an enum: {other}"),
        };
    }
    (interfaces, enums)
}

fn arity<T: DeserializeOwned>() -> usize {
    match shape::<T>() {
        Shape::Tuple(len) => len,
        other => panic!("command arguments are a tuple, not {other}"),
    }
}

/// The declarations of `lsp_ext.ts` this test compares, by name.
#[derive(Default, Debug)]
struct TsFile {
    /// `export const X = '…';`
    strings: BTreeMap<String, String>,
    /// `export const X = { key: '…', … } as const;`: the keys and values in order.
    objects: BTreeMap<String, Vec<(String, String)>>,
    /// `export interface X { field: …; optional?: …; }`
    interfaces: BTreeMap<String, BTreeSet<String>>,
    /// `export type X = [a: …, b: …];`: the number of elements.
    tuples: BTreeMap<String, usize>,
    /// `export type X = 'a' | 'b';`
    unions: BTreeMap<String, BTreeSet<String>>,
}

fn ts_file() -> TsFile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../editors/vscode/src/lsp_ext.ts");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    parse_ts(&without_comments(&text))
}

fn without_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("*/").expect("an unclosed comment") + start + 2;
        rest = &rest[end..];
    }
    out.push_str(rest);
    out.lines().map(|line| line.split(" //").next().unwrap_or("")).filter(|it| !it.starts_with("//")).fold(
        String::new(),
        |mut all, line| {
            all.push_str(line);
            all.push('\n');
            all
        },
    )
}

/// The text from `open` (at the start of `text`) to its matching bracket, without either.
fn bracketed(text: &str) -> &str {
    let mut depth = 0;
    for (idx, c) in text.char_indices() {
        match c {
            '{' | '[' | '(' | '<' => depth += 1,
            '}' | ']' | ')' | '>' => {
                depth -= 1;
                if depth == 0 {
                    return &text[1..idx];
                }
            }
            _ => {}
        }
    }
    panic!("no closing bracket in {text}")
}

/// `body` split at `separators` outside brackets, trimmed, without empty parts.
fn top_level(body: &str, separators: &[char]) -> Vec<String> {
    let (mut parts, mut part, mut depth) = (Vec::new(), String::new(), 0);
    for c in body.chars() {
        match c {
            '{' | '[' | '(' | '<' => depth += 1,
            '}' | ']' | ')' | '>' => depth -= 1,
            _ if depth == 0 && separators.contains(&c) => {
                parts.push(std::mem::take(&mut part));
                continue;
            }
            _ => {}
        }
        part.push(c);
    }
    parts.push(part);
    parts.into_iter().map(|it| it.trim().to_owned()).filter(|it| !it.is_empty()).collect()
}

fn name_before_colon(member: &str) -> String {
    let name = member.split(':').next().unwrap_or("").trim();
    name.trim_end_matches('?').to_owned()
}

fn unquoted(text: &str) -> String {
    let text = text.trim().trim_end_matches(';').trim();
    text.strip_prefix('\'')
        .and_then(|it| it.strip_suffix('\''))
        .unwrap_or_else(|| panic!("not a string: {text}"))
        .into()
}

fn parse_ts(text: &str) -> TsFile {
    let mut file = TsFile::default();
    for declaration in text.split("export ").skip(1) {
        if let Some(rest) = declaration.strip_prefix("const ") {
            let (name, value) = rest.split_once('=').expect("const without =");
            let (name, value) = (name.trim().to_owned(), value.trim());
            if value.starts_with('{') {
                let entries = top_level(bracketed(value), &[',']);
                let entries = entries.iter().map(|it| (name_before_colon(it), unquoted(it.split_once(':').unwrap().1)));
                file.objects.insert(name, entries.collect());
            } else {
                file.strings.insert(name, unquoted(value));
            }
        } else if let Some(rest) = declaration.strip_prefix("interface ") {
            let (name, body) = rest.split_once(' ').expect("interface without a body");
            let fields =
                top_level(bracketed(body.trim()), &[';', '\n']).iter().map(|it| name_before_colon(it)).collect();
            file.interfaces.insert(name.to_owned(), fields);
        } else if let Some(rest) = declaration.strip_prefix("type ") {
            let (name, value) = rest.split_once('=').expect("type without =");
            let (name, value) = (name.trim().to_owned(), value.trim());
            if value.starts_with('[') {
                file.tuples.insert(name, top_level(bracketed(value), &[',']).len());
            } else {
                file.unions.insert(name, value.trim_end_matches(';').split('|').map(unquoted).collect());
            }
        } else {
            panic!("lsp_ext.ts: a declaration this test does not know: export {declaration}");
        }
    }
    file
}

fn capitalized(key: &str) -> String {
    let mut chars = key.chars();
    chars.next().map(|it| it.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

#[test]
fn lsp_ext_ts_has_the_same_methods_and_commands() {
    let ts = ts_file();
    let requests: BTreeSet<&str> = ts.strings.values().map(String::as_str).collect();
    assert_eq!(requests, REQUESTS.iter().copied().collect(), "lsp_ext.ts's methods (left) and REQUESTS (right)");
    let values = |name: &str| -> Vec<String> { ts.objects[name].iter().map(|(_, value)| value.clone()).collect() };
    assert_eq!(values("SERVER_COMMANDS"), SERVER_COMMANDS, "lsp_ext.ts (left) and SERVER_COMMANDS (right)");
    assert_eq!(values("CLIENT_COMMANDS"), CLIENT_COMMANDS, "lsp_ext.ts (left) and CLIENT_COMMANDS (right)");
    assert_eq!(ts.objects.len(), 2, "{:?}", ts.objects.keys());
}

#[test]
fn lsp_ext_ts_commands_take_as_many_arguments() {
    let ts = ts_file();
    let key_of = |command: &str| {
        let entries = ts.objects.values().flatten();
        let found = entries.into_iter().find(|(_, value)| value == command);
        capitalized(&found.unwrap_or_else(|| panic!("{command} is not in lsp_ext.ts")).0)
    };
    fn of<C: Command>() -> (&'static str, usize) {
        assert_eq!(arity::<C::Arguments>(), C::N_ARGUMENTS, "{}", C::NAME);
        (C::NAME, C::N_ARGUMENTS)
    }
    let rust = [of::<ShowDiff>(), of::<DependencyGraph>(), of::<Generate>(), of::<ShowReferences>()];
    assert_eq!(rust.len(), SERVER_COMMANDS.len() + CLIENT_COMMANDS.len());
    let rust: BTreeMap<String, usize> =
        rust.iter().map(|(name, len)| (format!("{}Arguments", key_of(name)), *len)).collect();
    assert_eq!(ts.tuples, rust, "lsp_ext.ts's argument tuples (left) and the commands' Arguments (right)");
}

#[test]
fn lsp_ext_ts_has_the_same_types_and_fields() {
    let ts = ts_file();
    let (interfaces, enums) = rust_types();
    assert_eq!(ts.interfaces, interfaces, "lsp_ext.ts (left) and lsp_ext.rs (right)");
    assert_eq!(ts.unions, enums, "lsp_ext.ts (left) and lsp_ext.rs (right)");
}

#[test]
fn arguments_that_do_not_fit_are_invalid_params_with_the_usage_and_the_cause() {
    let error = arguments::<ShowDiff>(vec!["file:///a/pacto.yaml".into(), "tip".into()]).unwrap_err();
    assert_eq!(error.code, tower_lsp_server::jsonrpc::ErrorCode::InvalidParams);
    assert_eq!(error.message, "pacto.showDiff takes [uri, \"published\" | \"head\"]");
    assert_eq!(error.data, Some("unknown variant `tip`, expected `published` or `head`".into()));
    let error = arguments::<Generate>(vec![serde_json::json!({ "plugin": "kubernetes" })]).unwrap_err();
    assert_eq!(error.message, "expected [{ uri, plugin, options?, open? }]");
    assert_eq!(error.data, Some("missing field `uri`".into()));
    let (params,) =
        arguments::<Generate>(vec![serde_json::json!({ "uri": "file:///a", "plugin": "k", "options": null })]).unwrap();
    assert_eq!((params.options, params.open), (None, None));
}

#[test]
fn commands_carry_their_arguments_as_a_json_array() {
    let uri: Uri = "file:///a/pacto.yaml".parse().unwrap();
    let command = command::<ShowDiff>("vs 1.0.0".into(), &(uri, DiffAgainst::Head));
    assert_eq!(command.command, "pacto.showDiff");
    assert_eq!(command.arguments, Some(vec!["file:///a/pacto.yaml".into(), "head".into()]));
}

/// The Neovim plugin has no typed mirror: its requests (`client:request('…'`), commands (`command = '…'`) and
/// lens command (`SHOW_REFERENCES = '…'`) are found in its Lua text and must be this module's names.
#[test]
fn the_neovim_plugin_uses_these_names() {
    let lua = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../editors/nvim/lua/pacto");
    let mut used = BTreeSet::new();
    for entry in std::fs::read_dir(&lua).unwrap_or_else(|err| panic!("{}: {err}", lua.display())) {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|it| it != "lua") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines().filter(|it| !it.trim_start().starts_with("--")) {
            for marker in ["request('", "command = '", "SHOW_REFERENCES = '"] {
                if let Some((_, rest)) = line.split_once(marker) {
                    used.insert(rest.split('\'').next().unwrap_or_default().to_owned());
                }
            }
        }
    }
    let known: BTreeSet<&str> = REQUESTS.iter().chain(SERVER_COMMANDS).chain(CLIENT_COMMANDS).copied().collect();
    for name in &used {
        assert!(known.contains(name.as_str()), "editors/nvim uses `{name}`, which lsp_ext.rs does not have");
    }
    let used: Vec<&str> = used.iter().map(String::as_str).collect();
    assert_eq!(used, ["pacto.dependencyGraph", "pacto.showReferences", "pacto/diffDocument"]);
}
