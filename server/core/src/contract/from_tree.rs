//! Strict decoding of the tree into a [`Contract`] (spec §2.2): unknown fields are rejected
//! everywhere except under `metadata`, values are coerced the way yaml.v3 coerces them, and
//! every fault is kept with its span instead of stopping at the first one.

use crate::syntax::{Entry, FieldPath, Node, NodeKind, ScalarValue, Span};

use super::model::{
    Configuration, Contract, Dependency, Health, Image, Interface, Lifecycle, Persistence, Runtime, Scaling, Service,
    Spanned, State, Text,
};
use super::suggest::closest;

/// A value the typed model cannot take, in yaml.v3's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub span: Span,
    pub path: FieldPath,
    pub message: String,
    /// For a key the type does not have, the known field closest to it (the message's "did you mean"), so an
    /// editor offers the rename without reading the message.
    pub suggestion: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Decoded {
    pub contract: Contract,
    pub errors: Vec<DecodeError>,
}

/// The three checks after decoding (spec §2.2), in order: the path and the message of each
/// that fails.
pub fn missing_required(contract: &Contract) -> Vec<(FieldPath, &'static str)> {
    let mut out = Vec::new();
    if super::model::text(&contract.pacto_version).is_empty() {
        out.push((FieldPath::root().key("pactoVersion"), "pactoVersion is required"));
    }
    out.extend(missing_service_fields(&contract.service.name, &contract.service.version));
    out
}

/// The service's name and version, required in both formats: the path and message of each missing.
pub(crate) fn missing_service_fields(name: &Text, version: &Text) -> Vec<(FieldPath, &'static str)> {
    let mut out = Vec::new();
    if super::model::text(name).is_empty() {
        out.push((FieldPath::root().key("service").key("name"), "service.name is required"));
    }
    if super::model::text(version).is_empty() {
        out.push((FieldPath::root().key("service").key("version"), "service.version is required"));
    }
    out
}

pub fn from_tree(root: Option<&Node>) -> Decoded {
    let (contract, errors) = Decoder::document(root, Decoder::contract);
    Decoded { contract, errors }
}

const CONTRACT_FIELDS: &[&str] =
    &["pactoVersion", "service", "interfaces", "configuration", "dependencies", "runtime", "scaling", "metadata"];
const SERVICE_FIELDS: &[&str] = &["name", "version", "owner", "image"];
const IMAGE_FIELDS: &[&str] = &["ref", "private"];
const INTERFACE_FIELDS: &[&str] = &["name", "type", "port", "visibility", "contract"];
const CONFIGURATION_FIELDS: &[&str] = &["schema"];
const DEPENDENCY_FIELDS: &[&str] = &["ref", "required", "compatibility"];
const RUNTIME_FIELDS: &[&str] = &["workload", "state", "lifecycle", "health"];
const STATE_FIELDS: &[&str] = &["type", "persistence", "dataCriticality"];
const PERSISTENCE_FIELDS: &[&str] = &["scope", "durability"];
const LIFECYCLE_FIELDS: &[&str] = &["upgradeStrategy", "gracefulShutdownSeconds"];
const HEALTH_FIELDS: &[&str] = &["interface", "path", "initialDelaySeconds"];
const SCALING_FIELDS: &[&str] = &["replicas", "min", "max"];

/// The fields known at `path` (for completion and "did you mean"); `None` under `metadata`.
pub fn known_fields(path: &FieldPath) -> Option<&'static [&'static str]> {
    let keys = path.keys();
    Some(match keys.as_slice() {
        [] => CONTRACT_FIELDS,
        ["service"] => SERVICE_FIELDS,
        ["service", "image"] => IMAGE_FIELDS,
        ["interfaces"] => INTERFACE_FIELDS,
        ["configuration"] => CONFIGURATION_FIELDS,
        ["dependencies"] => DEPENDENCY_FIELDS,
        ["runtime"] => RUNTIME_FIELDS,
        ["runtime", "state"] => STATE_FIELDS,
        ["runtime", "state", "persistence"] => PERSISTENCE_FIELDS,
        ["runtime", "lifecycle"] => LIFECYCLE_FIELDS,
        ["runtime", "health"] => HEALTH_FIELDS,
        ["scaling"] => SCALING_FIELDS,
        _ => return None,
    })
}

/// `math.MaxInt64` as yaml.v3 compares a float with it: converted to a float, so 2^63.
const MAX_INT_AS_FLOAT: f64 = i64::MAX as f64;

/// A value as yaml.v3 quotes it in a type error: past 10 bytes, its first 7 and `...`.
fn shortened(text: &str) -> String {
    if text.len() <= 10 {
        return text.to_owned();
    }
    // yaml.v3 cuts at byte 7 even inside a character; we cut before that character.
    let mut end = 7;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

/// yaml.v3's decoding into Go structs, shared by both formats' models (2.0 reuses it in `v2::from_tree`).
pub(crate) struct Decoder {
    pub(crate) errors: Vec<DecodeError>,
}

impl Decoder {
    /// A whole document decoded by `contract`, in either format, and the errors on the way in
    /// document order, as yaml.v3 lists them. An empty document is yaml.v3's io.EOF.
    pub(crate) fn document<C: Default>(
        root: Option<&Node>,
        contract: impl FnOnce(&mut Decoder, &Node) -> C,
    ) -> (C, Vec<DecodeError>) {
        let mut decoder = Decoder { errors: Vec::new() };
        let contract = match root {
            None => {
                let eof = DecodeError {
                    span: Span::empty(0),
                    path: FieldPath::root(),
                    message: "EOF".to_owned(),
                    suggestion: None,
                };
                decoder.errors.push(eof);
                C::default()
            }
            Some(root) => contract(&mut decoder, root),
        };
        decoder.errors.sort_by_key(|it| it.span.start);
        (contract, decoder.errors)
    }
}

/// A mapping being read as a Go struct.
pub(crate) struct Fields<'a> {
    entries: &'a [Entry],
    path: FieldPath,
}

impl<'a> Fields<'a> {
    pub(crate) fn get<'f>(&'f self, name: &'f str) -> Option<(&'a Node, Field<'f>)> {
        let entry = self.entries.iter().find(|it| it.key.scalar_text() == Some(name))?;
        Some((&entry.value, Field { parent: &self.path, key: name }))
    }
}

/// Where a field read from [`Fields`] is: its path is built only when something is reported on it or it is
/// read as a struct or a list. Building it for every field was a fifth of a big contract's allocations.
#[derive(Clone, Copy)]
pub(crate) struct Field<'a> {
    parent: &'a FieldPath,
    key: &'a str,
}

impl From<Field<'_>> for FieldPath {
    fn from(field: Field<'_>) -> FieldPath {
        field.parent.clone().key(field.key)
    }
}

impl Decoder {
    pub(crate) fn error(&mut self, span: Span, path: &FieldPath, message: String) {
        self.errors.push(DecodeError { span, path: path.clone(), message, suggestion: None });
    }

    pub(crate) fn cannot_unmarshal(&mut self, node: &Node, path: impl Into<FieldPath>, into: &str) {
        let (what, span) = match &node.kind {
            NodeKind::Scalar(scalar) => {
                (format!("{} `{}`", scalar.value.tag_name(), shortened(&scalar.text)), node.span)
            }
            _ => (node.tag_name().to_owned(), node.head_span()),
        };
        self.error(span, &path.into(), format!("cannot unmarshal {what} into {into}"));
    }

    /// Reads a mapping as a struct: `None` for null, an error for anything else that is not a
    /// mapping, and an error for each key the struct does not know.
    pub(crate) fn fields<'a>(
        &mut self,
        node: &'a Node,
        path: impl Into<FieldPath>,
        type_name: &str,
        known: &[&str],
    ) -> Option<Fields<'a>> {
        let path = path.into();
        let entries = match &node.kind {
            NodeKind::Mapping(entries) => entries,
            _ if node.is_null() => return None,
            _ => {
                self.cannot_unmarshal(node, path, type_name);
                return None;
            }
        };
        for entry in entries {
            let name = entry.key.scalar_text().unwrap_or_default();
            if known.contains(&name) {
                continue;
            }
            let mut message = format!("field {name} not found in type {type_name}");
            let suggestion = closest(name, known);
            if let Some(hint) = suggestion {
                message.push_str(&format!("; did you mean `{hint}`?"));
            }
            let key_path = path.clone().key(name);
            let suggestion = suggestion.map(str::to_owned);
            self.errors.push(DecodeError { span: entry.key.span, path: key_path, message, suggestion });
        }
        Some(Fields { entries, path })
    }

    pub(crate) fn string(&mut self, field: Option<(&Node, Field<'_>)>) -> Text {
        let (node, path) = field?;
        match &node.kind {
            NodeKind::Scalar(scalar) if scalar.value == ScalarValue::Null => None,
            NodeKind::Scalar(scalar) => Some(Spanned { value: scalar.text.clone(), span: node.span }),
            _ => {
                self.cannot_unmarshal(node, path, "string");
                None
            }
        }
    }

    pub(crate) fn int(&mut self, field: Option<(&Node, Field<'_>)>) -> Option<Spanned<i64>> {
        let (node, path) = field?;
        let value = match node.as_scalar().map(|it| &it.value) {
            Some(ScalarValue::Null) => return None,
            Some(ScalarValue::Int(it)) => *it,
            // yaml.v3 truncates a float into an int field; the schema then reports it (spec §2.2). A float
            // beyond the int range is refused at parse time, as yaml.v3 refuses it.
            Some(ScalarValue::Float(it)) if it.is_finite() && *it <= MAX_INT_AS_FLOAT => it.trunc() as i64,
            _ => {
                self.cannot_unmarshal(node, path, "int");
                return None;
            }
        };
        Some(Spanned { value, span: node.span })
    }

    pub(crate) fn bool(&mut self, field: Option<(&Node, Field<'_>)>) -> Option<Spanned<bool>> {
        let (node, path) = field?;
        let scalar = node.as_scalar();
        let value = match scalar.map(|it| (&it.value, &*it.text)) {
            Some((ScalarValue::Null, _)) => return None,
            Some((ScalarValue::Bool(it), _)) => *it,
            // yaml.v3 still accepts YAML 1.1 booleans when the target is a bool (spec §2.2).
            Some((ScalarValue::String, "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON")) => true,
            Some((ScalarValue::String, "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF")) => false,
            _ => {
                self.cannot_unmarshal(node, path, "bool");
                return None;
            }
        };
        Some(Spanned { value, span: node.span })
    }

    pub(crate) fn list<'a>(
        &mut self,
        field: Option<(&'a Node, Field<'_>)>,
        type_name: &str,
    ) -> Option<(&'a [Node], FieldPath)> {
        let (node, path) = field?;
        match &node.kind {
            NodeKind::Sequence(items) => Some((items, path.into())),
            _ if node.is_null() => None,
            _ => {
                self.cannot_unmarshal(node, path, type_name);
                None
            }
        }
    }

    fn contract(&mut self, root: &Node) -> Contract {
        let Some(fields) = self.fields(root, FieldPath::root(), "contract.Contract", CONTRACT_FIELDS) else {
            return Contract::default();
        };
        let pacto_version = self.string(fields.get("pactoVersion"));
        let service = fields.get("service").map(|it| self.service(it)).unwrap_or_default();
        let interfaces = self.list(fields.get("interfaces"), "[]contract.Interface").map(|(items, path)| {
            items.iter().enumerate().map(|(idx, item)| self.interface(item, path.clone().index(idx))).collect()
        });
        let configuration = fields.get("configuration").and_then(|(node, path)| {
            let fields = self.fields(node, path, "contract.Configuration", CONFIGURATION_FIELDS)?;
            Some(Configuration { schema: self.string(fields.get("schema")) })
        });
        let dependencies = self.list(fields.get("dependencies"), "[]contract.Dependency").map(|(items, path)| {
            items.iter().enumerate().map(|(idx, item)| self.dependency(item, path.clone().index(idx))).collect()
        });
        let runtime = fields.get("runtime").and_then(|it| self.runtime(it));
        let scaling = fields.get("scaling").and_then(|it| self.scaling(it));
        let metadata = fields.get("metadata").and_then(|(node, path)| match &node.kind {
            NodeKind::Mapping(_) => Some(node.span),
            _ if node.is_null() => None,
            _ => {
                self.cannot_unmarshal(node, path, "map[string]interface {}");
                None
            }
        });
        Contract {
            pacto_version,
            service,
            interfaces,
            configuration,
            dependencies,
            runtime,
            scaling,
            metadata,
            v2: None,
        }
    }

    fn service(&mut self, (node, path): (&Node, Field<'_>)) -> Service {
        let Some(fields) = self.fields(node, path, "contract.ServiceIdentity", SERVICE_FIELDS) else {
            return Service::default();
        };
        let image = fields.get("image").and_then(|(node, path)| {
            let fields = self.fields(node, path, "contract.Image", IMAGE_FIELDS)?;
            Some(Image { reference: self.string(fields.get("ref")), private: self.bool(fields.get("private")) })
        });
        Service {
            name: self.string(fields.get("name")),
            version: self.string(fields.get("version")),
            owner: self.string(fields.get("owner")),
            image,
        }
    }

    fn interface(&mut self, node: &Node, path: FieldPath) -> Interface {
        let Some(fields) = self.fields(node, path, "contract.Interface", INTERFACE_FIELDS) else {
            return Interface { span: node.span, ..Interface::default() };
        };
        Interface {
            span: node.span,
            name: self.string(fields.get("name")),
            kind: self.string(fields.get("type")),
            port: self.int(fields.get("port")),
            visibility: self.string(fields.get("visibility")),
            contract: self.string(fields.get("contract")),
        }
    }

    fn dependency(&mut self, node: &Node, path: FieldPath) -> Dependency {
        let Some(fields) = self.fields(node, path, "contract.Dependency", DEPENDENCY_FIELDS) else {
            return Dependency { span: node.span, ..Dependency::default() };
        };
        Dependency {
            span: node.span,
            reference: self.string(fields.get("ref")),
            required: self.bool(fields.get("required")),
            compatibility: self.string(fields.get("compatibility")),
            name: None,
        }
    }

    fn runtime(&mut self, (node, path): (&Node, Field<'_>)) -> Option<Runtime> {
        let fields = self.fields(node, path, "contract.Runtime", RUNTIME_FIELDS)?;
        let state = fields
            .get("state")
            .and_then(|(node, path)| {
                let fields = self.fields(node, path, "contract.State", STATE_FIELDS)?;
                let persistence = fields
                    .get("persistence")
                    .and_then(|(node, path)| {
                        let fields = self.fields(node, path, "contract.Persistence", PERSISTENCE_FIELDS)?;
                        Some(Persistence {
                            scope: self.string(fields.get("scope")),
                            durability: self.string(fields.get("durability")),
                        })
                    })
                    .unwrap_or_default();
                Some(State {
                    kind: self.string(fields.get("type")),
                    persistence,
                    data_criticality: self.string(fields.get("dataCriticality")),
                })
            })
            .unwrap_or_default();
        let lifecycle = fields.get("lifecycle").and_then(|(node, path)| {
            let fields = self.fields(node, path, "contract.Lifecycle", LIFECYCLE_FIELDS)?;
            Some(Lifecycle {
                upgrade_strategy: self.string(fields.get("upgradeStrategy")),
                graceful_shutdown_seconds: self.int(fields.get("gracefulShutdownSeconds")),
            })
        });
        let health = fields.get("health").and_then(|(node, path)| {
            let fields = self.fields(node, path, "contract.Health", HEALTH_FIELDS)?;
            Some(Health {
                interface: self.string(fields.get("interface")),
                path: self.string(fields.get("path")),
                initial_delay_seconds: self.int(fields.get("initialDelaySeconds")),
            })
        });
        Some(Runtime { workload: self.string(fields.get("workload")), state, lifecycle, health })
    }

    fn scaling(&mut self, (node, path): (&Node, Field<'_>)) -> Option<Scaling> {
        let fields = self.fields(node, path, "contract.Scaling", SCALING_FIELDS)?;
        let replicas = self.int(fields.get("replicas"));
        let mut min = self.int(fields.get("min")).map_or(0, |it| it.value);
        let mut max = self.int(fields.get("max")).map_or(0, |it| it.value);
        // Normalisation (spec §1.3): replicas overrides min and max.
        if let Some(replicas) = &replicas {
            min = replicas.value;
            max = replicas.value;
        }
        Some(Scaling { span: node.span, replicas, min, max })
    }
}
