//! The Markdown documentation of a 2.0 contract (pacto-v2.md §6.3). Decision ("choose"): the 1.0
//! document's structure, adapted — a summary, the workload and state table, a table of contents, the
//! architecture diagram, then Interfaces (headed by their spec kind, OpenAPI ones with endpoints,
//! the capabilities bound to each), Capabilities (all of them: an unbound or extension capability
//! has no interface to be named under), Configurations (one subsection per entry), Policies,
//! Dependencies (with their declared names and the versions they resolved to, then a block per
//! resolved dependency as 1.0 has, 2.0 or 1.0 each in its own format) and Readiness; no ports,
//! lifecycle or scaling, which 2.0 does not carry.

use pacto_core::contract::text;
use pacto_core::graph::{Edge, Graph, Node};
use pacto_core::v2::document::{Document, flag};
use pacto_core::v2::model::{Contract, Interface};
use pacto_core::v2::readiness::evaluate;
use serde_json::Value;

use super::doc::{
    Bundles, Files, anchor, bundle_of, capitalise, configuration_rows, configuration_table, dependency_blocks,
    dependency_contents, dependency_details, dependency_id, endpoints, footer,
};

/// Where the reference documents contracts.
const CONTRACT_REFERENCE: &str = "https://trianalab.github.io/pacto/contract-reference/";

pub fn markdown(document: &Document, graph: &Graph, files: &dyn Files, bundles: &Bundles, now: i64) -> String {
    let contract = &document.contract;
    let name = text(&contract.service.name);
    let mut out = format!("# {name}\n\n{}\n\n", summary(contract));
    out.push_str(&state_table(contract));
    out.push_str(&format!("See the [Contract Reference]({CONTRACT_REFERENCE}) for what each field means.\n\n"));
    let mut sections = vec!["Architecture"];
    let optional = [
        ("Interfaces", !contract.interfaces.is_empty()),
        ("Capabilities", !contract.capabilities.is_empty()),
        ("Configurations", !contract.configurations.is_empty()),
        ("Policies", !contract.policies.is_empty()),
        ("Dependencies", !contract.dependencies.is_empty()),
        ("Readiness", contract.readiness.is_some()),
    ];
    sections.extend(optional.iter().filter(|(_, present)| *present).map(|(section, _)| *section));
    let blocks = dependency_blocks(graph, bundles, now);
    out.push_str("## Table of Contents\n\n");
    for (idx, section) in sections.iter().enumerate() {
        let number = idx + 1;
        out.push_str(&format!("- [{number}. {section}](#{})\n", anchor(&format!("{number}. {section}"))));
        let subsections: Vec<String> = match *section {
            "Interfaces" => contract.interfaces.iter().map(interface_title).collect(),
            "Configurations" => contract.configurations.iter().map(|it| text(&it.name).to_owned()).collect(),
            _ => Vec::new(),
        };
        for (sub, title) in subsections.iter().enumerate() {
            let title = format!("{number}.{}. {title}", sub + 1);
            out.push_str(&format!("  - [{title}](#{})\n", anchor(&title)));
        }
        if *section == "Dependencies" {
            out.push_str(&dependency_contents(&blocks, number));
        }
    }
    out.push('\n');
    for (idx, section) in sections.iter().enumerate() {
        let number = idx + 1;
        out.push_str(&format!("## {number}. {section}\n\n"));
        match *section {
            "Architecture" => out.push_str(&architecture(contract, graph)),
            "Interfaces" => out.push_str(&interfaces(contract, files, |sub, it| {
                format!("### {number}.{}. {}\n\n", sub + 1, interface_title(it))
            })),
            "Capabilities" => out.push_str(&capabilities(contract)),
            "Configurations" => out.push_str(&configurations(document, files, |sub, name| {
                format!("### {number}.{}. {name}\n\n", sub + 1)
            })),
            "Policies" => out.push_str(&policies(contract)),
            "Dependencies" => {
                out.push_str(&dependencies(contract, &graph.root));
                for (sub, (node, parts)) in blocks.iter().enumerate() {
                    out.push_str(&dependency_details(node, bundle_of(bundles, node), parts, number, sub + 1));
                }
            }
            _ => out.push_str(&readiness(contract, now)),
        }
    }
    out.push_str(&footer(document.mapping("metadata")));
    out
}

/// The sub-sections of a resolved 2.0 dependency's block (its `<details>` in the dependencies
/// section), each `(title, body)`, only those with something to say.
pub(crate) fn dependency_sections(
    document: &Document,
    node: &Node,
    files: &dyn Files,
    now: i64,
) -> Vec<(&'static str, String)> {
    let contract = &document.contract;
    let mut parts = Vec::new();
    if !text(&contract.workload).is_empty() || contract.state.is_some() {
        parts.push(("Runtime", state_table(contract)));
    }
    if !contract.interfaces.is_empty() {
        let heading = |_: usize, it: &Interface| format!("<h5>{}</h5>\n\n", interface_title(it));
        parts.push(("Interfaces", interfaces(contract, files, heading)));
    }
    if !contract.capabilities.is_empty() {
        parts.push(("Capabilities", capabilities(contract)));
    }
    if !contract.configurations.is_empty() {
        parts.push(("Configurations", configurations(document, files, |_, name| format!("<h5>{name}</h5>\n\n"))));
    }
    if !contract.policies.is_empty() {
        parts.push(("Policies", policies(contract)));
    }
    if !contract.dependencies.is_empty() {
        parts.push(("Dependencies", dependencies(contract, node)));
    }
    if contract.readiness.is_some() {
        parts.push(("Readiness", readiness(contract, now)));
    }
    parts
}

pub(crate) fn summary(contract: &Contract) -> String {
    let service = &contract.service;
    let mut out = format!("**{}** `v{}`", text(&service.name), text(&service.version));
    match (&contract.state, text(&contract.workload)) {
        (Some(state), "") => out.push_str(&format!(" is `{}`", text(&state.kind))),
        (Some(state), workload) => out.push_str(&format!(" is a `{}` `{workload}` workload", text(&state.kind))),
        (None, "") => {}
        (None, workload) => out.push_str(&format!(" is a `{workload}` workload")),
    }
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    if !contract.interfaces.is_empty() {
        out.push_str(&format!(" exposing {}", plural(contract.interfaces.len(), "interface", "interfaces")));
    }
    if !contract.dependencies.is_empty() {
        out.push_str(&format!(" with {}", plural(contract.dependencies.len(), "dependency", "dependencies")));
    }
    out.push('.');
    if let Some(owner) = &service.owner {
        let mut parts = Vec::new();
        if !text(&owner.team).is_empty() {
            parts.push(format!("team `{}`", text(&owner.team)));
        }
        if !text(&owner.dri).is_empty() {
            parts.push(format!("DRI `{}`", text(&owner.dri)));
        }
        for contact in &owner.contacts {
            let purpose = match text(&contact.purpose) {
                "" => String::new(),
                purpose => format!(" for {purpose}"),
            };
            parts.push(format!("{} `{}`{purpose}", text(&contact.kind), text(&contact.value)));
        }
        if !parts.is_empty() {
            out.push_str(&format!(" Owned by {}.", parts.join(", ")));
        }
    }
    out
}

/// What a value of a 2.0 enum means, from our 2.0 schema's `x-enum-descriptions`.
fn enum_description(path: &[&str], value: &str) -> String {
    let mut node = pacto_core::v2::structural::schema();
    for key in path {
        let Some(next) = node.get("properties").and_then(|it| it.get(*key)) else {
            return String::new();
        };
        node = next;
    }
    node.get("x-enum-descriptions").and_then(|it| it.get(value)).and_then(Value::as_str).unwrap_or_default().to_owned()
}

fn state_table(contract: &Contract) -> String {
    let mut rows: Vec<(&str, &[&str], &str)> = Vec::new();
    if !text(&contract.workload).is_empty() {
        rows.push(("Workload", &["workload"], text(&contract.workload)));
    }
    if let Some(state) = &contract.state {
        rows.push(("State", &["state", "type"], text(&state.kind)));
        rows.push(("Persistence scope", &["state", "persistence", "scope"], text(&state.scope)));
        rows.push(("Persistence durability", &["state", "persistence", "durability"], text(&state.durability)));
        rows.push(("Data criticality", &["state", "dataCriticality"], text(&state.data_criticality)));
    }
    if rows.is_empty() {
        return String::new();
    }
    let mut out = String::from("| Concept | Value | Description |\n|---------|-------|-------------|\n");
    for (concept, path, value) in rows {
        let description = enum_description(path, value);
        out.push_str(&format!("| {concept} | `{value}` | {} |\n", capitalise(&description)));
    }
    out.push('\n');
    out
}

fn interface_title(interface: &Interface) -> String {
    let kind = match text(&interface.kind) {
        "openapi" => "OpenAPI Interface",
        "asyncapi" => "AsyncAPI Interface",
        _ => "gRPC Interface",
    };
    format!("{kind}: {}", text(&interface.name))
}

/// The capabilities bound to an interface: `health /healthz`, `metrics`.
fn bound_capabilities(contract: &Contract, interface: &str) -> Vec<String> {
    (contract.capabilities.iter())
        .filter_map(|it| {
            let binding = it.binding.as_ref().filter(|binding| text(&binding.interface) == interface)?;
            Some(match text(&binding.path) {
                "" => text(&it.kind).to_owned(),
                path => format!("{} (`{path}`)", text(&it.kind)),
            })
        })
        .collect()
}

fn architecture(contract: &Contract, graph: &Graph) -> String {
    let id = dependency_id;
    let root = id(&graph.root.name);
    let mut out = String::from("```mermaid\ngraph TB\n");
    let public: Vec<&Interface> = contract.interfaces.iter().filter(|it| text(&it.visibility) == "public").collect();
    if !public.is_empty() {
        out.push_str("    external([\"External User\"])\n");
    }
    out.push_str(&format!("    subgraph {root}[\"{} v{}\"]\n", graph.root.name, graph.root.version));
    if let Some(state) = &contract.state {
        out.push_str(&format!(
            "        {root}_state[(\"{} · {} criticality · {} {}\")]\n",
            text(&state.kind),
            text(&state.data_criticality),
            text(&state.scope),
            text(&state.durability)
        ));
    }
    for interface in &contract.interfaces {
        let mut label = format!("{}<br/>{}", text(&interface.name), text(&interface.kind));
        if !text(&interface.visibility).is_empty() {
            label.push_str(&format!("<br/>{}", text(&interface.visibility)));
        }
        for capability in bound_capabilities(contract, text(&interface.name)) {
            label.push_str(&format!("<br/>♥ {}", capability.replace(['`', '(', ')'], "")));
        }
        out.push_str(&format!("        {root}_iface_{}[\"{label}\"]\n", id(text(&interface.name))));
    }
    if contract.state.is_none() && contract.interfaces.is_empty() {
        out.push_str(&format!("        {root}_info[\"{}\"]\n", graph.root.name));
    }
    out.push_str("    end\n");
    for interface in public {
        out.push_str(&format!("    external --> {root}_iface_{}\n", id(text(&interface.name))));
    }
    // Each dependency once as a node (the root is its subgraph), then who depends on whom.
    let mut nodes: Vec<String> = Vec::new();
    let mut edges: Vec<String> = Vec::new();
    let mut stack = vec![&graph.root];
    while let Some(node) = stack.pop() {
        for edge in &node.dependencies {
            let Some(child) = &edge.node else { continue };
            let declaration = format!("    {}[\"{} v{}\"]\n", id(&child.name), child.name, child.version);
            if child.name != graph.root.name && !nodes.contains(&declaration) {
                nodes.push(declaration);
            }
            let line = format!("    {} --> {}\n", id(&node.name), id(&child.name));
            if !edges.contains(&line) {
                edges.push(line);
            }
            if !edge.shared {
                stack.push(child);
            }
        }
    }
    for line in nodes.iter().chain(&edges) {
        out.push_str(line);
    }
    out.push_str("```\n\n");
    out
}

fn interfaces(contract: &Contract, files: &dyn Files, heading: impl Fn(usize, &Interface) -> String) -> String {
    let mut out = String::from("| Name | Type | Spec | Visibility |\n|------|------|------|------------|\n");
    for it in &contract.interfaces {
        let visibility = if text(&it.visibility).is_empty() { "—" } else { text(&it.visibility) };
        out.push_str(&format!(
            "| `{}` | `{}` | `{}` | {visibility} |\n",
            text(&it.name),
            text(&it.kind),
            text(&it.reference)
        ));
    }
    out.push('\n');
    for (sub, it) in contract.interfaces.iter().enumerate() {
        out.push_str(&heading(sub, it));
        let mut sentence = format!("The `{}` interface", text(&it.name));
        // The schema's default visibility is never applied: an absent one is not named.
        if !text(&it.visibility).is_empty() {
            sentence.push_str(&format!(" is `{}` and", text(&it.visibility)));
        }
        sentence.push_str(&format!(" is described by `{}`.", text(&it.reference)));
        let capabilities = bound_capabilities(contract, text(&it.name));
        if !capabilities.is_empty() {
            let noun = if capabilities.len() == 1 { "capability" } else { "capabilities" };
            sentence.push_str(&format!(" It anchors the {} {noun}.", capabilities.join(" and ")));
        }
        out.push_str(&sentence);
        out.push_str("\n\n");
        if text(&it.kind) == "openapi" {
            match files.json(text(&it.reference)) {
                Ok(spec) => out.push_str(&endpoints(&spec)),
                Err(err) => out.push_str(&format!("_Could not read OpenAPI spec: {err}_\n\n")),
            }
        }
    }
    out
}

fn configurations(document: &Document, files: &dyn Files, heading: impl Fn(usize, &str) -> String) -> String {
    let mut out = String::new();
    for (sub, it) in document.contract.configurations.iter().enumerate() {
        out.push_str(&heading(sub, text(&it.name)));
        let required = if flag(&it.required) { "A `required`" } else { "An `optional`" };
        match (text(&it.schema), text(&it.reference)) {
            ("", reference) => {
                out.push_str(&format!("{required} configuration whose schema is owned by `{reference}`.\n\n"))
            }
            (schema, _) => {
                out.push_str(&format!("{required} configuration described by `{schema}`.\n\n"));
                let rows = configuration_rows(files, schema);
                if !matches!(&rows, Ok(rows) if rows.is_empty()) {
                    out.push_str(&configuration_table(&rows));
                }
            }
        }
        if let Some(Value::Object(values)) = document.configuration_values(sub) {
            let mut items: Vec<(&String, &Value)> = values.iter().collect();
            items.sort_by(|a, b| a.0.cmp(b.0));
            out.push_str("| Value | Setting |\n|-------|---------|\n");
            for (key, value) in items {
                let shown = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
                out.push_str(&format!("| `{key}` | `{shown}` |\n"));
            }
            out.push('\n');
        }
    }
    out
}

fn policies(contract: &Contract) -> String {
    let mut out = String::from("| Name | Source |\n|------|--------|\n");
    for it in &contract.policies {
        let source = match (text(&it.schema), text(&it.reference)) {
            ("", reference) => format!("`{reference}`"),
            (schema, _) => format!("`{schema}`"),
        };
        out.push_str(&format!("| `{}` | {source} |\n", text(&it.name)));
    }
    out.push('\n');
    out
}

/// Every capability: its type, its binding (kind, interface, path), an extension's ref.
fn capabilities(contract: &Contract) -> String {
    let dash = |value: &str| if value.is_empty() { "—".to_owned() } else { format!("`{value}`") };
    let mut out = String::from(
        "| Type | Binding | Interface | Path | Reference |\n|------|---------|-----------|------|-----------|\n",
    );
    for it in &contract.capabilities {
        let (kind, interface, path) =
            (it.binding.as_ref()).map_or(("", "", ""), |it| (text(&it.kind), text(&it.interface), text(&it.path)));
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            text(&it.kind),
            dash(kind),
            dash(interface),
            dash(path),
            dash(text(&it.reference))
        ));
    }
    out.push('\n');
    out
}

/// The declared dependencies of `node`'s contract, each with the version it resolved to when the
/// graph reached it.
fn dependencies(contract: &Contract, node: &Node) -> String {
    let mut out = String::from(
        "| Name | Reference | Compatibility | Required | Resolved |\n|------|-----------|---------------|----------|----------|\n",
    );
    for it in &contract.dependencies {
        let edge: Option<&Edge> = node.dependencies.iter().find(|edge| edge.reference == text(&it.reference));
        let resolved = match edge {
            Some(Edge { node: Some(Node { name, version, .. }), .. }) => format!("`{name}@{version}`"),
            // A cycle resolved fine, just not twice: "not resolved" would send a reader looking.
            Some(Edge { error: Some(err), .. }) if err.starts_with("cycle detected") => "cycle".to_owned(),
            Some(Edge { error: Some(_), .. }) => "not resolved".to_owned(),
            _ => "—".to_owned(),
        };
        let required = if flag(&it.required) { "Yes" } else { "No" };
        out.push_str(&format!(
            "| `{}` | `{}` | `{}` | {required} | {resolved} |\n",
            text(&it.name),
            text(&it.reference),
            text(&it.compatibility)
        ));
    }
    out.push('\n');
    out
}

fn readiness(contract: &Contract, now: i64) -> String {
    let Some(readiness) = &contract.readiness else { return String::new() };
    let mut out = String::new();
    if let Some(eval) = evaluate(readiness, now) {
        let verdict = if eval.passing { "passing" } else { "failing" };
        let expired = if eval.expired { ", expired" } else { "" };
        out.push_str(&format!(
            "Score **{}** of a required **{}** ({verdict}{expired}); the assessment expires on `{}`.\n\n",
            eval.score,
            eval.min_score,
            text(&readiness.expires)
        ));
    }
    out.push_str(
        "| Claim | Category | Status | Weight | Evidence |\n|-------|----------|--------|--------|----------|\n",
    );
    for claim in &readiness.claims {
        let category = if text(&claim.category).is_empty() { "—" } else { text(&claim.category) };
        out.push_str(&format!(
            "| `{}` | {category} | `{}` | {} | {} |\n",
            text(&claim.id),
            text(&claim.status),
            claim.weight.as_ref().map_or(0, |it| it.value),
            text(&claim.evidence)
        ));
    }
    out.push('\n');
    out
}
