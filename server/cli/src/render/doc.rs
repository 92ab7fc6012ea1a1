//! The Markdown documentation of a contract (spec §7.5): summary, runtime table, table of
//! contents, a Mermaid architecture diagram, interfaces with their HTTP endpoints, the
//! configuration table, dependencies, metadata.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::Path;

use pacto_core::contract::{Contract, Interface, text};
use pacto_core::graph::{Graph, Node};
use pacto_core::syntax::FieldPath;
use serde_json::{Map, Value};

/// Where the reference documents contracts; the Markdown links to it as the reference does.
const CONTRACT_REFERENCE: &str = "https://trianalab.github.io/pacto/contract-reference/";

/// Reads a bundle file (OpenAPI spec, configuration schema) as a JSON value.
pub trait Files {
    fn json(&self, path: &str) -> Result<Value, String>;
}

pub struct DirFiles<'a>(pub &'a Path);

impl Files for DirFiles<'_> {
    fn json(&self, path: &str) -> Result<Value, String> {
        let text = std::fs::read_to_string(self.0.join(path)).map_err(|err| format!("open {path}: {err}"))?;
        let parse = pacto_core::syntax::parse(&text);
        if let Some(error) = parse.errors.first() {
            return Err(error.message.clone());
        }
        let root = parse.root.ok_or_else(|| "empty document".to_owned())?;
        pacto_core::validate::json::to_json(&root).map_err(|err| err.message)
    }
}

/// A resolved dependency's contract with its bundle's files.
pub struct Bundle<'a> {
    pub contract: &'a Contract,
    pub files: &'a dyn Files,
}

/// The resolved dependencies' bundles by `(name, version)`, as the graph's nodes name them.
pub type Bundles<'a> = HashMap<(String, String), Bundle<'a>>;

pub fn markdown(
    contract: &Contract,
    metadata: Option<&Value>,
    graph: &Graph,
    files: &dyn Files,
    bundles: &Bundles,
    now: i64,
) -> String {
    let mut out = String::new();
    let name = text(&contract.service.name);
    out.push_str(&format!("# {name}\n\n{}\n\n", summary(contract)));
    out.push_str(&runtime_table(contract));
    out.push_str(&format!("See the [Contract Reference]({CONTRACT_REFERENCE}) for what each field means.\n\n"));
    let interfaces = contract.interfaces.as_deref().unwrap_or_default();
    let schema_path = contract.configuration.as_ref().map_or("", |it| text(&it.schema));
    let configuration = (!schema_path.is_empty()).then(|| configuration_rows(files, schema_path));
    let dependencies = dependency_blocks(graph, bundles, now);
    // One counter numbers the sections and the table of contents alike.
    let mut sections = vec!["Architecture".to_owned(), "Interfaces".to_owned()];
    if configuration.as_ref().is_some_and(|it| !matches!(it, Ok(rows) if rows.is_empty())) {
        sections.push("Configuration".to_owned());
    }
    if contract.dependencies.as_ref().is_some_and(|it| !it.is_empty()) {
        sections.push("Dependencies".to_owned());
    }
    out.push_str("## Table of Contents\n\n");
    for (idx, section) in sections.iter().enumerate() {
        let number = idx + 1;
        out.push_str(&format!("- [{number}. {section}](#{})\n", anchor(&format!("{number}. {section}"))));
        if section == "Interfaces" {
            for (sub, interface) in interfaces.iter().enumerate() {
                let title = format!("{number}.{}. {}: {}", sub + 1, interface_kind(interface), text(&interface.name));
                out.push_str(&format!("  - [{title}](#{})\n", anchor(&title)));
            }
        }
        if section == "Dependencies" {
            out.push_str(&dependency_contents(&dependencies, number));
        }
    }
    out.push('\n');
    for (idx, section) in sections.iter().enumerate() {
        let number = idx + 1;
        out.push_str(&format!("## {number}. {section}\n\n"));
        match section.as_str() {
            "Architecture" => out.push_str(&architecture(graph, contract, bundles)),
            "Interfaces" => out.push_str(&interfaces_section(contract, files, |sub, it| {
                format!("### {number}.{}. {}: {}\n\n", sub + 1, interface_kind(it), text(&it.name))
            })),
            "Configuration" => out.push_str(&configuration.as_ref().map_or_else(String::new, configuration_table)),
            _ => {
                out.push_str(&dependency_table(contract));
                for (sub, (node, parts)) in dependencies.iter().enumerate() {
                    out.push_str(&dependency_details(node, bundle_of(bundles, node), parts, number, sub + 1));
                }
            }
        }
    }
    out.push_str(&footer(metadata.and_then(Value::as_object)));
    out
}

/// The document's last lines: the metadata as sorted `key: value` spans, when there is any
/// mapping, then where the document came from.
pub(crate) fn footer(metadata: Option<&Map<String, Value>>) -> String {
    let mut out = "---\n\n".to_owned();
    if let Some(map) = metadata {
        let mut items: Vec<(&String, &Value)> = map.iter().collect();
        items.sort_by(|a, b| a.0.cmp(b.0));
        let spans: Vec<String> = items
            .iter()
            .map(|(key, value)| format!("`{key}: {}`", value.as_str().map_or_else(|| value.to_string(), str::to_owned)))
            .collect();
        out.push_str(&format!("{}\n\n", spans.join(" ")));
    }
    out.push_str("Generated by [Pacto](https://trianalab.github.io/pacto)\n");
    out
}

pub(crate) fn bundle_of<'a>(bundles: &'a Bundles, node: &Node) -> Option<&'a Bundle<'a>> {
    bundles.get(&(node.name.clone(), node.version.clone()))
}

/// The Concept/Value/Description table of the runtime semantics; empty without a runtime.
fn runtime_table(contract: &Contract) -> String {
    let mut out = String::new();
    if let Some(runtime) = &contract.runtime {
        out.push_str("| Concept | Value | Description |\n|---------|-------|-------------|\n");
        let rows = [
            ("Workload", "runtime.workload", text(&runtime.workload)),
            ("State", "runtime.state.type", text(&runtime.state.kind)),
            ("Persistence scope", "runtime.state.persistence.scope", text(&runtime.state.persistence.scope)),
            (
                "Persistence durability",
                "runtime.state.persistence.durability",
                text(&runtime.state.persistence.durability),
            ),
            ("Data criticality", "runtime.state.dataCriticality", text(&runtime.state.data_criticality)),
            (
                "Upgrade strategy",
                "runtime.lifecycle.upgradeStrategy",
                runtime.lifecycle.as_ref().map_or("", |it| text(&it.upgrade_strategy)),
            ),
        ];
        for (concept, path, value) in rows {
            let description = enum_description(path, value);
            if !value.is_empty() && !description.is_empty() {
                out.push_str(&format!("| {concept} | `{value}` | {} |\n", capitalise(&description)));
            }
        }
        if let Some(seconds) = runtime.lifecycle.as_ref().and_then(|it| it.graceful_shutdown_seconds.as_ref()) {
            out.push_str(&format!(
                "| Graceful shutdown | `{}s` | Time the service is given to finish in-flight work before it is stopped |\n",
                seconds.value
            ));
        }
        out.push('\n');
    }
    out
}

fn summary(contract: &Contract) -> String {
    let service = &contract.service;
    let mut out = format!("**{}** `v{}`", text(&service.name), text(&service.version));
    if let Some(runtime) = &contract.runtime {
        out.push_str(&format!(" is a `{}` `{}` workload", text(&runtime.state.kind), text(&runtime.workload)));
    }
    let n_interfaces = contract.interfaces.as_ref().map_or(0, Vec::len);
    if n_interfaces > 0 {
        out.push_str(&format!(" exposing {n_interfaces} interface{}", if n_interfaces == 1 { "" } else { "s" }));
    }
    let n_dependencies = contract.dependencies.as_ref().map_or(0, Vec::len);
    if n_dependencies > 0 {
        out.push_str(&format!(
            " with {n_dependencies} {}",
            if n_dependencies == 1 { "dependency" } else { "dependencies" }
        ));
    }
    out.push('.');
    let mut details = Vec::new();
    if !text(&service.owner).is_empty() {
        details.push(format!("owned by `{}`", text(&service.owner)));
    }
    if let Some(image) = &service.image {
        let private = if image.private.as_ref().is_some_and(|it| it.value) { "private" } else { "public" };
        details.push(format!("packaged as `{}` (`{private}`)", text(&image.reference)));
    }
    if let Some(scaling) = &contract.scaling {
        match &scaling.replicas {
            Some(replicas) => details.push(format!("runs `{}` replicas", replicas.value)),
            None => details.push(format!("scales from `{}` to `{}` replicas", scaling.min, scaling.max)),
        }
    }
    if !details.is_empty() {
        out.push_str(&format!(" {}.", capitalise(&details.join(", "))));
    }
    out
}

fn enum_description(path: &str, value: &str) -> String {
    let mut node = pacto_core::validate::structural::schema();
    for key in FieldPath::parse(path).keys() {
        let Some(next) = node.get("properties").and_then(|it| it.get(key)) else {
            return String::new();
        };
        node = next;
    }
    node.get("x-enum-descriptions").and_then(|it| it.get(value)).and_then(Value::as_str).unwrap_or_default().to_owned()
}

pub(crate) fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// Lower case, spaces to `-`, `:` and `.` removed, as the reference's anchors.
pub fn anchor(title: &str) -> String {
    title.to_lowercase().replace(' ', "-").replace([':', '.'], "")
}

pub(crate) fn dependency_id(name: &str) -> String {
    name.chars().filter(|it| it.is_ascii_alphanumeric()).collect()
}

fn interface_kind(interface: &Interface) -> &'static str {
    match text(&interface.kind) {
        "http" => "HTTP Interface",
        "grpc" => "gRPC Interface",
        _ => "Event Interface",
    }
}

fn unique_dependencies(root: &Node) -> Vec<&Node> {
    fn walk<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
        for edge in &node.dependencies {
            if let Some(child) = edge.node.as_ref().filter(|_| !edge.shared) {
                out.push(child);
                walk(child, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(root, &mut out);
    out
}

/// The Mermaid diagram: one subgraph per contract of the graph (breadth first, root first, one
/// per name as the reference), each with its state and interfaces, then who calls whom.
fn architecture(graph: &Graph, contract: &Contract, bundles: &Bundles) -> String {
    let id = |name: &str| dependency_id(name);
    let mut contracts: Vec<(&Node, Option<&Contract>)> = vec![(&graph.root, Some(contract))];
    let mut seen = HashSet::from([graph.root.name.as_str()]);
    let mut queue = VecDeque::from([&graph.root]);
    while let Some(node) = queue.pop_front() {
        for edge in &node.dependencies {
            let Some(child) = edge.node.as_ref().filter(|_| !edge.shared) else { continue };
            if seen.insert(child.name.as_str()) {
                contracts.push((child, bundle_of(bundles, child).map(|it| it.contract)));
                queue.push_back(child);
            }
        }
    }
    let public = |contract: &Contract| -> Vec<String> {
        let interfaces = contract.interfaces.as_deref().unwrap_or_default();
        interfaces.iter().filter(|it| text(&it.visibility) == "public").map(|it| id(text(&it.name))).collect()
    };
    let mut out = String::from("```mermaid\ngraph TB\n");
    let mut external = Vec::new();
    for (node, contract) in &contracts {
        for interface in contract.map(public).unwrap_or_default() {
            external.push(format!("    external --> {}_iface_{interface}\n", id(&node.name)));
        }
    }
    if !external.is_empty() {
        out.push_str("    external([\"External User\"])\n");
    }
    for (node, contract) in &contracts {
        out.push_str(&format!("    subgraph {}[\"{} v{}\"]\n", id(&node.name), node.name, node.version));
        if let Some(contract) = contract {
            out.push_str(&subgraph_nodes(&id(&node.name), &node.name, contract));
        }
        out.push_str("    end\n");
    }
    for line in external {
        out.push_str(&line);
    }
    let mut edges = Vec::new();
    let mut stack = vec![&graph.root];
    while let Some(node) = stack.pop() {
        for edge in &node.dependencies {
            if let Some(child) = &edge.node {
                let line = format!("    {} --> {}\n", id(&node.name), id(&child.name));
                if !edges.contains(&line) {
                    edges.push(line);
                }
                if !edge.shared {
                    stack.push(child);
                }
            }
        }
    }
    for line in edges {
        out.push_str(&line);
    }
    out.push_str("```\n\n");
    out
}

/// The state node and one node per interface of one contract's subgraph.
fn subgraph_nodes(graph_id: &str, name: &str, contract: &Contract) -> String {
    let mut out = String::new();
    if let Some(runtime) = &contract.runtime {
        let replicas = contract.scaling.as_ref().map(|it| match &it.replicas {
            Some(replicas) => format!(" · {} replicas", replicas.value),
            None => format!(" · {}–{} replicas", it.min, it.max),
        });
        out.push_str(&format!(
            "        {graph_id}_state[(\"{} · {} criticality · {} {}{}\")]\n",
            text(&runtime.state.kind),
            text(&runtime.state.data_criticality),
            text(&runtime.state.persistence.scope),
            text(&runtime.state.persistence.durability),
            replicas.unwrap_or_default()
        ));
    }
    let interfaces = contract.interfaces.as_deref().unwrap_or_default();
    let health = contract.runtime.as_ref().and_then(|it| it.health.as_ref()).map_or("", |it| text(&it.interface));
    for interface in interfaces {
        let mut label = format!("{}<br/>{}", text(&interface.name), text(&interface.kind));
        if let Some(port) = &interface.port {
            label.push_str(&format!(" :{}", port.value));
        }
        if !text(&interface.visibility).is_empty() {
            label.push_str(&format!("<br/>{}", text(&interface.visibility)));
        }
        if text(&interface.name) == health {
            label.push_str("<br/>♥ health");
        }
        out.push_str(&format!("        {graph_id}_iface_{}[\"{label}\"]\n", dependency_id(text(&interface.name))));
    }
    if contract.runtime.is_none() && interfaces.is_empty() {
        out.push_str(&format!("        {graph_id}_info[\"{name}\"]\n"));
    }
    out
}

/// The interfaces table, then per interface its heading (`heading(index, interface)`), its
/// sentence and, for HTTP with a contract, its endpoints.
fn interfaces_section(contract: &Contract, files: &dyn Files, heading: impl Fn(usize, &Interface) -> String) -> String {
    let interfaces = contract.interfaces.as_deref().unwrap_or_default();
    let mut out = String::from("| Name | Type | Port | Visibility |\n|------|------|------|------------|\n");
    for it in interfaces {
        let port = it.port.as_ref().map_or("—".to_owned(), |it| it.value.to_string());
        let visibility = if text(&it.visibility).is_empty() { "—" } else { text(&it.visibility) };
        out.push_str(&format!("| `{}` | `{}` | {port} | {visibility} |\n", text(&it.name), text(&it.kind)));
    }
    out.push('\n');
    let health = contract.runtime.as_ref().and_then(|it| it.health.as_ref());
    for (sub, it) in interfaces.iter().enumerate() {
        out.push_str(&heading(sub, it));
        // The schema's default visibility is never applied (quirk 5): an absent one is not named.
        let mut parts = Vec::new();
        if !text(&it.visibility).is_empty() {
            parts.push(format!("is `{}`", text(&it.visibility)));
        }
        if let Some(port) = &it.port {
            parts.push(format!("exposes port `{}`", port.value));
        }
        let mut sentence = format!("The `{}` interface", text(&it.name));
        if parts.is_empty() {
            sentence.push_str(&format!(" is `{}`", text(&it.kind)));
        } else {
            sentence.push_str(&format!(" {}", parts.join(" and ")));
        }
        sentence.push('.');
        if let Some(health) = health.filter(|h| text(&h.interface) == text(&it.name)) {
            // Only what the contract says: an absent path or delay is not described as empty or 0.
            let mut parts = Vec::new();
            if !text(&health.path).is_empty() {
                parts.push(format!("owns the health path under `{}`", text(&health.path)));
            }
            if let Some(delay) = &health.initial_delay_seconds {
                parts.push(format!("requires an initial delay of `{}s`", delay.value));
            }
            if !parts.is_empty() {
                sentence.push_str(&format!(" It {}.", parts.join(" and ")));
            }
        }
        if text(&it.kind) != "http" && !text(&it.contract).is_empty() {
            sentence.push_str(&format!(" Its contract is defined in `{}`.", text(&it.contract)));
        }
        out.push_str(&sentence);
        out.push_str("\n\n");
        if text(&it.kind) == "http" && !text(&it.contract).is_empty() {
            match files.json(text(&it.contract)) {
                Ok(spec) => out.push_str(&endpoints(&spec)),
                Err(err) => out.push_str(&format!("_Could not read OpenAPI spec: {err}_\n\n")),
            }
        }
    }
    out
}

pub(crate) fn endpoints(spec: &Value) -> String {
    const METHODS: [&str; 8] = ["get", "post", "put", "patch", "delete", "head", "options", "trace"];
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return String::new();
    };
    let sorted: BTreeMap<&String, &Value> = paths.iter().collect();
    let mut rows = String::new();
    for (path, item) in sorted {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                let summary = operation.get("summary").and_then(Value::as_str).unwrap_or_default();
                rows.push_str(&format!("| `{}` | `{path}` | {summary} |\n", method.to_uppercase()));
            }
        }
    }
    if rows.is_empty() {
        return String::new();
    }
    format!("| Method | Path | Summary |\n|--------|------|---------|\n{rows}\n")
}

/// `[property, type, description, default, required]` per configuration property, sorted,
/// nested object properties flattened into dotted names.
pub(crate) fn configuration_rows(files: &dyn Files, path: &str) -> Result<Vec<[String; 5]>, String> {
    let schema = files.json(path)?;
    let mut rows = Vec::new();
    flatten(&schema, "", &mut rows);
    Ok(rows)
}

fn flatten(schema: &Value, prefix: &str, rows: &mut Vec<[String; 5]>) {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|it| it.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let sorted: BTreeMap<&String, &Value> = properties.iter().collect();
    for (name, property) in sorted {
        let full = format!("{prefix}{name}");
        if property.get("properties").is_some() {
            flatten(property, &format!("{full}."), rows);
            continue;
        }
        let kind = match property.get("type") {
            Some(Value::String(it)) => it.clone(),
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "),
            _ => "—".to_owned(),
        };
        let description = property.get("description").and_then(Value::as_str).unwrap_or("—").to_owned();
        let default = property
            .get("default")
            .map_or("—".to_owned(), |it| it.as_str().map_or_else(|| it.to_string(), str::to_owned));
        let is_required = if required.contains(&name.as_str()) { "Yes" } else { "No" };
        rows.push([full, kind, description, default, is_required.to_owned()]);
    }
}

pub(crate) fn configuration_table(rows: &Result<Vec<[String; 5]>, String>) -> String {
    match rows {
        Ok(rows) => {
            let mut out = String::from(
                "| Property | Type | Description | Default | Required |\n|----------|------|-------------|---------|----------|\n",
            );
            for row in rows {
                out.push_str(&format!("| `{}` | {} | {} | {} | {} |\n", row[0], row[1], row[2], row[3], row[4]));
            }
            out.push('\n');
            out
        }
        Err(err) => format!("_Could not read configuration schema: {err}_\n\n"),
    }
}

fn dependency_table(contract: &Contract) -> String {
    let mut out = String::from("| Reference | Compatibility | Required |\n|-----------|---------------|----------|\n");
    for it in contract.dependencies.iter().flatten() {
        let required = if it.required.as_ref().is_some_and(|it| it.value) { "Yes" } else { "No" };
        out.push_str(&format!("| `{}` | `{}` | {required} |\n", text(&it.reference), text(&it.compatibility)));
    }
    out.push('\n');
    out
}

/// Each dependency the graph reached (once, depth first) with the sub-sections of its block.
pub(crate) type DependencyBlocks<'g> = Vec<(&'g Node, Vec<(&'static str, String)>)>;

pub(crate) fn dependency_blocks<'g>(graph: &'g Graph, bundles: &Bundles, now: i64) -> DependencyBlocks<'g> {
    (unique_dependencies(&graph.root).into_iter())
        .map(|node| (node, bundle_of(bundles, node).map(|it| dependency_sections(node, it, now)).unwrap_or_default()))
        .collect()
}

/// The table of contents' lines of the dependency blocks, under section `number`.
pub(crate) fn dependency_contents(blocks: &DependencyBlocks, number: usize) -> String {
    let mut out = String::new();
    for (sub, (node, parts)) in blocks.iter().enumerate() {
        let id = dependency_id(&node.name);
        out.push_str(&format!("  - [{number}.{}. {}](#dep-{id})\n", sub + 1, node.name));
        for (title, _) in parts {
            out.push_str(&format!("    - [{title}](#dep-{id}-{})\n", anchor(title)));
        }
    }
    out
}

/// The sub-sections a resolved dependency's block holds, each `(title, body)`, only those with
/// something to say; a 2.0 dependency's are 2.0's, whatever the root's format.
fn dependency_sections(node: &Node, bundle: &Bundle, now: i64) -> Vec<(&'static str, String)> {
    if let Some(document) = &bundle.contract.v2 {
        return super::doc_v2::dependency_sections(document, node, bundle.files, now);
    }
    let contract = bundle.contract;
    let mut parts = Vec::new();
    if contract.runtime.is_some() {
        parts.push(("Runtime", runtime_table(contract)));
    }
    if contract.interfaces.as_ref().is_some_and(|it| !it.is_empty()) {
        let heading = |_: usize, it: &Interface| format!("<h5>{}: {}</h5>\n\n", interface_kind(it), text(&it.name));
        parts.push(("Interfaces", interfaces_section(contract, bundle.files, heading)));
    }
    let schema_path = contract.configuration.as_ref().map_or("", |it| text(&it.schema));
    if !schema_path.is_empty() {
        let rows = configuration_rows(bundle.files, schema_path);
        if !matches!(&rows, Ok(rows) if rows.is_empty()) {
            parts.push(("Configuration", configuration_table(&rows)));
        }
    }
    if contract.dependencies.as_ref().is_some_and(|it| !it.is_empty()) {
        parts.push(("Dependencies", dependency_table(contract)));
    }
    parts
}

/// One resolved dependency as a collapsible block: its summary, how it was reached, and its
/// sections under `<h4>` headings the table of contents links to.
pub(crate) fn dependency_details(
    node: &Node,
    bundle: Option<&Bundle>,
    parts: &[(&str, String)],
    number: usize,
    sub: usize,
) -> String {
    let id = dependency_id(&node.name);
    let mut out = format!(
        "<details id=\"dep-{id}\"><summary><h3>{number}.{sub}. {} <code>v{}</code></h3></summary>\n\n",
        node.name, node.version
    );
    match bundle {
        Some(Bundle { contract: Contract { v2: Some(document), .. }, .. }) => {
            out.push_str(&super::doc_v2::summary(&document.contract))
        }
        Some(bundle) => out.push_str(&summary(bundle.contract)),
        None => out.push_str(&format!("**{}** `v{}`.", node.name, node.version)),
    }
    if let Some(reference) = &node.reference {
        out.push_str(&format!(" Reached through `{reference}`."));
    }
    out.push_str("\n\n");
    for (title, body) in parts {
        out.push_str(&format!("<h4 id=\"dep-{id}-{}\">{title}</h4>\n\n{body}", anchor(title)));
    }
    out.push_str("</details>\n\n");
    out
}
