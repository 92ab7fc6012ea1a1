//! The tools: names, descriptions and input schemas (the reference's nine with its parameter
//! names, then ours), the argument rules, and the dispatch to the pure tools or the [`Backend`].

use serde_json::{Map, Value, json};

use crate::Backend;
use crate::generate::{self, Answers};
use crate::suggest;

/// Where the reference's documentation lives; `pacto_schema` points agents to it.
const DOCS_URL: &str = "https://trianalab.github.io/pacto";

/// A parameter's JSON type, as the input schema declares it and the call checks it.
#[derive(Clone, Copy)]
enum Kind {
    String,
    Boolean,
    Strings,
}

struct Param {
    name: &'static str,
    kind: Kind,
    required: bool,
    description: &'static str,
}

/// What a tool returns: JSON (structured content, and the same as indented text for clients
/// that read only text) or plain text (Markdown, YAML).
pub enum Reply {
    Json(Value),
    Text(String),
}

pub struct ToolDef {
    pub name: &'static str,
    pub description: &'static str,
    params: &'static [Param],
    /// The top-level keys of a JSON result, for the output schema; `None` for text results.
    output_keys: Option<&'static [&'static str]>,
}

/// The argument naming a bundle: a directory or an `oci://` reference.
const REF: Param = path_param("ref");

const fn path_param(name: &'static str) -> Param {
    Param {
        name,
        kind: Kind::String,
        required: true,
        description: "A bundle directory (the one holding pacto.yaml) or an oci:// reference",
    }
}

const fn flag(name: &'static str, description: &'static str) -> Param {
    Param { name, kind: Kind::Boolean, required: false, description }
}

const WRITE: Param = flag("write", "Write the result to the bundle (atomically); without it nothing is written");

pub const TOOLS: &[ToolDef] = &[
    ToolDef {
        name: "pacto_validate",
        description: "Validates a contract (format 1.0 or 2.0): `Valid`, and each error and warning with its `Code`, `Path`, \
            `Message`, 1-based `Line`/`Column`, and `Fixes` (text edits) where a quick fix exists. An invalid contract is a \
            normal result, not a tool error.",
        params: &[path_param("path")],
        output_keys: Some(&["Path", "Valid", "Errors", "Warnings"]),
    },
    ToolDef {
        name: "pacto_inspect",
        description: "Returns the structured contract: name, version, owner, interfaces, dependencies, runtime, scaling, metadata \
            (what `pacto explain --output-format json` prints).",
        params: &[REF],
        output_keys: Some(&["name", "version", "pactoVersion"]),
    },
    ToolDef {
        name: "pacto_resolve_dependencies",
        description: "Resolves the contract's dependency graph (local and oci:// dependencies, through the cache): each \
            node, cycles, version conflicts and dependencies that failed to load.",
        params: &[REF],
        output_keys: Some(&["root"]),
    },
    ToolDef {
        name: "pacto_list_interfaces",
        description: "Returns the interfaces the contract exposes.",
        params: &[REF],
        output_keys: Some(&["interfaces"]),
    },
    ToolDef {
        name: "pacto_generate_docs",
        description: "Returns the contract's Markdown documentation, exactly what `pacto doc` prints.",
        params: &[REF],
        output_keys: None,
    },
    ToolDef {
        name: "pacto_explain",
        description: "Explains the contract in three sentences: a summary, its interfaces and its dependencies.",
        params: &[REF],
        output_keys: Some(&["summary", "interfaces", "dependencies"]),
    },
    ToolDef {
        name: "pacto_generate_contract",
        description: "Generates a starter pacto.yaml (YAML text) from a few answers; it validates with no errors. Format \
            1.0 unless `pacto_version` is \"2.0\".",
        params: &[
            Param { name: "service_name", kind: Kind::String, required: true, description: "Name of the service" },
            Param {
                name: "language",
                kind: Kind::String,
                required: false,
                description: "Programming language (e.g. go, python, java)",
            },
            flag("exposes_http", "Whether the service exposes an HTTP interface"),
            flag("exposes_grpc", "Whether the service exposes a gRPC interface"),
            flag("needs_database", "Whether the service needs a database dependency"),
            flag("needs_cache", "Whether the service needs a cache dependency"),
            Param {
                name: "pacto_version",
                kind: Kind::String,
                required: false,
                description: "The contract format: \"1.0\" (default) or \"2.0\"",
            },
        ],
        output_keys: None,
    },
    ToolDef {
        name: "pacto_suggest_dependencies",
        description: "Suggests likely dependencies from the contract's interfaces, runtime and existing dependencies.",
        params: &[path_param("contract")],
        output_keys: Some(&["suggested"]),
    },
    ToolDef {
        name: "pacto_schema",
        description: "Returns the contract format's JSON Schema and the documentation link. Call it FIRST before writing \
            or editing a pacto.yaml.",
        params: &[Param {
            name: "pacto_version",
            kind: Kind::String,
            required: false,
            description: "The format whose schema to return: \"1.0\" (default) or \"2.0\"",
        }],
        output_keys: Some(&["description", "docs", "jsonSchema"]),
    },
    ToolDef {
        name: "pacto_diff",
        description: "Compares two contracts (paths or oci:// references): the overall `classification` \
            (NON_BREAKING, POTENTIAL_BREAKING, BREAKING), each change with its path, type and classification, \
            dependency and graph changes, and `versionCheck` when the version bump is too small. A breaking diff is a \
            normal result.",
        params: &[path_param("old"), path_param("new")],
        output_keys: Some(&["classification", "changes"]),
    },
    ToolDef {
        name: "pacto_fix",
        description: "Applies the language server's quick fixes to a local contract, for the chosen codes or all, and \
            returns the new text and what was applied. Writes pacto.yaml only with `write: true`.",
        params: &[
            Param {
                name: "path",
                kind: Kind::String,
                required: true,
                description: "A bundle directory (the one holding pacto.yaml)",
            },
            Param {
                name: "codes",
                kind: Kind::Strings,
                required: false,
                description: "Fix only findings with these codes (e.g. SCHEMA_VIOLATION); all when absent",
            },
            WRITE,
        ],
        output_keys: Some(&["Path", "Contract", "Applied", "Written"]),
    },
    ToolDef {
        name: "pacto_migrate",
        description: "Migrates a 1.0 contract to 2.0: the new contract text, the files it adds, a report of what changed \
            and the 2.0 findings. Writes the bundle only with `write: true`.",
        params: &[path_param("path"), WRITE],
        output_keys: Some(&["Path", "Contract", "Valid"]),
    },
    ToolDef {
        name: "pacto_dependents",
        description: "Who depends on this contract: the services of the workspace (every pacto.yaml under it) whose \
            dependencies point at the bundle, by local path or by the oci:// repository it is published to, transitively; \
            each edge with its `compatibility` and whether the contract's current version `satisfied` it, and the count \
            of `unsatisfied` edges. Ask before changing a version or making a breaking change.",
        params: &[
            Param {
                name: "path",
                kind: Kind::String,
                required: true,
                description: "The bundle directory (the one holding pacto.yaml) whose dependents are wanted",
            },
            Param {
                name: "workspace",
                kind: Kind::String,
                required: false,
                description: "The directory searched (default: the git repository holding the bundle, else the current directory)",
            },
        ],
        output_keys: Some(&["root", "unsatisfied"]),
    },
];

/// The tool names, in the order `tools/list` gives them.
pub fn names() -> Vec<&'static str> {
    TOOLS.iter().map(|it| it.name).collect()
}

impl ToolDef {
    pub fn input_schema(&self) -> Map<String, Value> {
        let mut properties = Map::new();
        for param in self.params {
            let schema = match param.kind {
                Kind::String => json!({"type": "string", "description": param.description}),
                Kind::Boolean => json!({"type": "boolean", "description": param.description}),
                Kind::Strings => {
                    json!({"type": "array", "items": {"type": "string"}, "description": param.description})
                }
            };
            properties.insert(param.name.to_owned(), schema);
        }
        let required: Vec<&str> = self.params.iter().filter(|it| it.required).map(|it| it.name).collect();
        let mut schema = Map::new();
        schema.insert("type".into(), "object".into());
        schema.insert("properties".into(), Value::Object(properties));
        schema.insert("required".into(), json!(required));
        schema.insert("additionalProperties".into(), false.into());
        schema
    }

    pub fn output_schema(&self) -> Option<Map<String, Value>> {
        let keys = self.output_keys?;
        let mut schema = Map::new();
        schema.insert("type".into(), "object".into());
        schema.insert("required".into(), json!(keys));
        Some(schema)
    }
}

pub fn find(name: &str) -> Option<&'static ToolDef> {
    TOOLS.iter().find(|it| it.name == name)
}

/// The arguments of one call, checked against the tool's parameters.
struct Args<'a> {
    tool: &'static ToolDef,
    values: &'a Map<String, Value>,
}

impl Args<'_> {
    fn string(&self, name: &str) -> Result<Option<&str>, String> {
        match self.values.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(it)) if it.trim().is_empty() => {
                Err(format!("{}: argument `{name}` is empty", self.tool.name))
            }
            Some(Value::String(it)) => Ok(Some(it)),
            Some(other) => {
                Err(format!("{}: argument `{name}` must be a string, not {}", self.tool.name, type_name(other)))
            }
        }
    }

    fn required(&self, name: &str) -> Result<&str, String> {
        self.string(name)?.ok_or_else(|| {
            let description = self.tool.params.iter().find(|it| it.name == name).map_or("", |it| it.description);
            format!("{}: argument `{name}` is required ({description})", self.tool.name)
        })
    }

    fn flag(&self, name: &str) -> Result<bool, String> {
        match self.values.get(name) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(it)) => Ok(*it),
            Some(other) => {
                Err(format!("{}: argument `{name}` must be a boolean, not {}", self.tool.name, type_name(other)))
            }
        }
    }

    fn strings(&self, name: &str) -> Result<Option<Vec<String>>, String> {
        let wrong =
            |what: &str| format!("{}: argument `{name}` must be an array of strings, not {what}", self.tool.name);
        match self.values.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|it| {
                    it.as_str().map(str::to_owned).ok_or_else(|| wrong(&format!("an array holding {}", type_name(it))))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(other) => Err(wrong(type_name(other))),
        }
    }

    /// The format version argument: "1.0" or "2.0".
    fn version(&self) -> Result<&str, String> {
        match self.string("pacto_version")? {
            None | Some("1.0") => Ok("1.0"),
            Some("2.0") => Ok("2.0"),
            Some(other) => Err(format!(
                "{}: argument `pacto_version` must be \"1.0\" or \"2.0\", not {}",
                self.tool.name,
                Value::from(other)
            )),
        }
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Runs `tool` with `arguments`. `Err` is the message of an error result; it names the tool and
/// the argument or path concerned.
pub fn call(backend: &dyn Backend, tool: &'static ToolDef, arguments: &Map<String, Value>) -> Result<Reply, String> {
    if let Some(unknown) = arguments.keys().find(|key| !tool.params.iter().any(|it| it.name == *key)) {
        let known: Vec<&str> = tool.params.iter().map(|it| it.name).collect();
        let takes = if known.is_empty() { "no arguments".to_owned() } else { known.join(", ") };
        return Err(format!("{}: unknown argument `{unknown}` (it takes: {takes})", tool.name));
    }
    let args = Args { tool, values: arguments };
    let in_tool = |message: String| format!("{}: {message}", tool.name);
    let reply = match tool.name {
        "pacto_validate" => Reply::Json(backend.validate(args.required("path")?).map_err(in_tool)?),
        "pacto_inspect" => Reply::Json(backend.explain(args.required("ref")?).map_err(in_tool)?),
        "pacto_resolve_dependencies" => Reply::Json(backend.graph(args.required("ref")?).map_err(in_tool)?),
        "pacto_list_interfaces" => {
            let explained = backend.explain(args.required("ref")?).map_err(in_tool)?;
            let interfaces = explained.get("interfaces").cloned().unwrap_or(Value::Null);
            Reply::Json(json!({ "interfaces": interfaces }))
        }
        "pacto_generate_docs" => Reply::Text(backend.doc(args.required("ref")?).map_err(in_tool)?),
        "pacto_explain" => Reply::Json(suggest::summary(&backend.explain(args.required("ref")?).map_err(in_tool)?)),
        "pacto_generate_contract" => {
            let answers = Answers {
                service_name: args.required("service_name")?,
                language: args.string("language")?.unwrap_or(""),
                exposes_http: args.flag("exposes_http")?,
                exposes_grpc: args.flag("exposes_grpc")?,
                needs_database: args.flag("needs_database")?,
                needs_cache: args.flag("needs_cache")?,
            };
            Reply::Text(match args.version()? {
                "2.0" => generate::contract_v2(&answers),
                _ => generate::contract_v1(&answers),
            })
        }
        "pacto_suggest_dependencies" => {
            let explained = backend.explain(args.required("contract")?).map_err(in_tool)?;
            Reply::Json(json!({ "suggested": suggest::suggestions(&explained) }))
        }
        "pacto_schema" => {
            let schema = match args.version()? {
                "2.0" => pacto_core::v2::structural::SCHEMA_TEXT,
                _ => pacto_core::validate::structural::SCHEMA_TEXT,
            };
            Reply::Json(json!({
                "description": "Pacto is an operational contract format for cloud-native services. A pacto.yaml describes \
                    the service itself: its interfaces, dependencies, runtime semantics, configuration and scaling. The \
                    documentation link has the full specification.",
                "docs": DOCS_URL,
                "jsonSchema": schema,
            }))
        }
        "pacto_diff" => {
            let (old, new) = (args.required("old")?, args.required("new")?);
            Reply::Json(backend.diff(old, new).map_err(in_tool)?)
        }
        "pacto_dependents" => {
            let path = args.required("path")?;
            if path.starts_with("oci://") {
                return Err(in_tool(format!(
                    "argument `path` must be a local bundle directory, not an oci:// reference ({path})"
                )));
            }
            Reply::Json(backend.dependents(path, args.string("workspace")?).map_err(in_tool)?)
        }
        "pacto_fix" => {
            let (path, codes, write) = (args.required("path")?, args.strings("codes")?, args.flag("write")?);
            Reply::Json(backend.fix(path, codes.as_deref(), write).map_err(in_tool)?)
        }
        "pacto_migrate" => {
            let (path, write) = (args.required("path")?, args.flag("write")?);
            Reply::Json(backend.migrate(path, write).map_err(in_tool)?)
        }
        _ => return Err(format!("unknown tool `{}`", tool.name)),
    };
    Ok(reply)
}
