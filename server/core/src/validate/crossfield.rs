//! Layer 2: the cross-field rules of spec §2.5, run in the reference's order, none short-circuiting.

use std::collections::HashMap;
use std::fmt::Display;

use crate::contract::oci_ref::{self, DependencyRef, OciRef};
use crate::contract::{Contract, Interface, text};
use crate::diagnostic::{Code, Diagnostic, Layer, Related, Severity};
use crate::gofmt::quote as go_quote;
use crate::remembered::Remembered;
use crate::semver::{Constraint, Version};
use crate::syntax::{FieldPath, Node, PathStyle};

use super::anchor_span;
use super::bundle::BundleFiles;

/// Which rules run: the editor skips the four the schema always catches first (spec §2.5 notes),
/// so one fault is not reported twice under two codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleSet {
    pub include_schema_shadowed: bool,
}

pub fn check(root: &Node, contract: &Contract, bundle: Option<&dyn BundleFiles>, rules: RuleSet) -> Vec<Diagnostic> {
    let mut ctx = Ctx { root, out: Vec::new() };
    let interfaces = contract.interfaces.as_deref().unwrap_or_default();
    invalid_semver(&mut ctx, contract);
    duplicate_interface_names(&mut ctx, interfaces);
    for (idx, interface) in interfaces.iter().enumerate() {
        ports(&mut ctx, idx, interface, rules);
    }
    if rules.include_schema_shadowed {
        for (idx, interface) in interfaces.iter().enumerate() {
            contract_required(&mut ctx, idx, interface);
        }
    }
    health(&mut ctx, contract, interfaces);
    if let Some(bundle) = bundle {
        files(&mut ctx, contract, interfaces, bundle);
    }
    dependencies(&mut ctx, contract, rules);
    image_ref(&mut ctx, contract);
    scaling(&mut ctx, contract);
    if rules.include_schema_shadowed {
        stateless_persistent(&mut ctx, contract);
    }
    ctx.out
}

/// The cross-field findings so far, each anchored in the tree; 2.0's layer collects into it too.
pub(crate) struct Ctx<'a> {
    pub(crate) root: &'a Node,
    pub(crate) out: Vec<Diagnostic>,
}

impl Ctx<'_> {
    pub(crate) fn report(
        &mut self,
        code: Code,
        severity: Severity,
        path: FieldPath,
        message: String,
    ) -> &mut Diagnostic {
        self.out.push(Diagnostic {
            code,
            severity,
            layer: Layer::CrossField,
            span: anchor_span(self.root, &path),
            path,
            path_style: PathStyle::Bracketed,
            message,
            related: Vec::new(),
            rule: None,
        });
        self.out.last_mut().expect("just pushed")
    }

    pub(crate) fn error(&mut self, code: Code, path: FieldPath, message: String) -> &mut Diagnostic {
        self.report(code, Severity::Error, path, message)
    }

    pub(crate) fn warning(&mut self, code: Code, path: FieldPath, message: String) -> &mut Diagnostic {
        self.report(code, Severity::Warning, path, message)
    }
}

fn interface_path(idx: usize) -> FieldPath {
    FieldPath::root().key("interfaces").index(idx)
}

fn invalid_semver(ctx: &mut Ctx<'_>, contract: &Contract) {
    let version = text(&contract.service.version);
    if let Err(err) = Version::parse(version) {
        let path = FieldPath::root().key("service").key("version");
        ctx.error(
            Code::InvalidSemver,
            path,
            format!("service version {} is not valid semver: {err}", go_quote(version)),
        );
    }
}

fn duplicate_interface_names(ctx: &mut Ctx<'_>, interfaces: &[Interface]) {
    // The reference remembers the most recent earlier index with the name.
    let mut last_idx: HashMap<&str, usize> = HashMap::with_capacity(interfaces.len());
    for (idx, interface) in interfaces.iter().enumerate() {
        let name = text(&interface.name);
        let Some(earlier) = last_idx.insert(name, idx) else {
            continue;
        };
        let first_span = anchor_span(ctx.root, &interface_path(earlier).key("name"));
        ctx.error(
            Code::DuplicateInterfaceName,
            interface_path(idx).key("name"),
            format!("interface name {} is already declared at interfaces[{earlier}]", go_quote(name)),
        )
        .related
        .push(Related {
            span: first_span,
            message: format!("interfaces[{earlier}] declares {} first", go_quote(name)),
        });
    }
}

fn ports(ctx: &mut Ctx<'_>, idx: usize, interface: &Interface, rules: RuleSet) {
    let kind = text(&interface.kind);
    let name = text(&interface.name);
    match kind {
        "http" | "grpc" if interface.port.is_none() && rules.include_schema_shadowed => {
            ctx.error(
                Code::PortRequired,
                interface_path(idx).key("port"),
                format!("port is required for {kind} interface {}", go_quote(name)),
            );
        }
        "event" if interface.port.is_some() => {
            ctx.warning(
                Code::PortIgnored,
                interface_path(idx).key("port"),
                format!("port is not applicable for event interface {}", go_quote(name)),
            );
        }
        _ => {}
    }
}

fn contract_required(ctx: &mut Ctx<'_>, idx: usize, interface: &Interface) {
    let kind = text(&interface.kind);
    if matches!(kind, "grpc" | "event") && text(&interface.contract).is_empty() {
        ctx.error(
            Code::ContractRequired,
            interface_path(idx).key("contract"),
            format!("contract is required for {kind} interface {}", go_quote(text(&interface.name))),
        );
    }
}

fn health(ctx: &mut Ctx<'_>, contract: &Contract, interfaces: &[Interface]) {
    let Some(health) = contract.runtime.as_ref().and_then(|it| it.health.as_ref()) else {
        return;
    };
    let health_path = FieldPath::root().key("runtime").key("health");
    let wanted = text(&health.interface);
    let Some(idx) = interfaces.iter().position(|it| text(&it.name) == wanted) else {
        ctx.error(
            Code::HealthInterfaceNotFound,
            health_path.key("interface"),
            format!("health interface {} does not match any declared interface", go_quote(wanted)),
        );
        return;
    };
    let target = &interfaces[idx];
    let related = Related {
        span: anchor_span(ctx.root, &interface_path(idx).key("name")),
        message: format!("interface {} is declared here", go_quote(wanted)),
    };
    match text(&target.kind) {
        "event" => {
            ctx.error(
                Code::HealthInterfaceInvalid,
                health_path.key("interface"),
                format!(
                    "health interface {} is an event interface; health checks require http or grpc",
                    go_quote(wanted)
                ),
            )
            .related
            .push(related);
        }
        "http" if text(&health.path).is_empty() => {
            ctx.error(
                Code::HealthPathRequired,
                health_path.key("path"),
                "health check path is required when the health interface type is http".to_owned(),
            )
            .related
            .push(related);
        }
        "grpc" if !text(&health.path).is_empty() => {
            ctx.warning(
                Code::HealthPathIgnored,
                health_path.key("path"),
                "health check path is not used for grpc interfaces; gRPC uses the standard health protocol".to_owned(),
            )
            .related
            .push(related);
        }
        _ => {}
    }
}

fn files(ctx: &mut Ctx<'_>, contract: &Contract, interfaces: &[Interface], bundle: &dyn BundleFiles) {
    for (idx, interface) in interfaces.iter().enumerate() {
        let file = text(&interface.contract);
        if !file.is_empty() && !bundle.contains(file) {
            ctx.error(
                Code::FileNotFound,
                interface_path(idx).key("contract"),
                format!("interface contract file {} not found in bundle", go_quote(file)),
            );
        }
    }
    let schema = contract.configuration.as_ref().map_or("", |it| text(&it.schema));
    if !schema.is_empty() && !bundle.contains(schema) {
        ctx.error(
            Code::FileNotFound,
            FieldPath::root().key("configuration").key("schema"),
            format!("configuration schema file {} not found in bundle", go_quote(schema)),
        );
    }
}

fn dependencies(ctx: &mut Ctx<'_>, contract: &Contract, rules: RuleSet) {
    for (idx, dependency) in contract.dependencies.as_deref().unwrap_or_default().iter().enumerate() {
        let path = FieldPath::root().key("dependencies").index(idx);
        let (reference, compatibility) = (text(&dependency.reference), text(&dependency.compatibility));
        dependency_ref_and_range(ctx, path, reference, compatibility, oci_ref::parse, rules.include_schema_shadowed);
    }
}

/// The `ref` and `compatibility` of the dependency at `path`, the same rules in both formats
/// (1.0's 8a–8c, 2.0's 14a–14d) but for how strictly `parse_oci` reads an `oci://` location. A
/// reference that does not parse skips the dependency's remaining checks.
pub(crate) fn dependency_ref_and_range<E: Display>(
    ctx: &mut Ctx<'_>,
    path: FieldPath,
    reference: &str,
    compatibility: &str,
    parse_oci: impl Fn(&str) -> Result<OciRef, E>,
    include_schema_shadowed: bool,
) {
    if let DependencyRef::Oci(location) = oci_ref::classify(reference) {
        match parse_oci(&location) {
            Err(err) => {
                let message = format!("invalid OCI reference {}: {err}", go_quote(reference));
                ctx.error(Code::InvalidOciRef, path.key("ref"), message);
                return;
            }
            Ok(parsed) if parsed.digest.is_empty() && !parsed.tag.is_empty() => {
                let message = format!(
                    "dependency {} uses a tag instead of a digest; digest pinning is recommended",
                    go_quote(reference)
                );
                ctx.warning(Code::TagNotDigest, path.clone().key("ref"), message);
            }
            Ok(_) => {}
        }
    }
    if let Some((code, message)) = compatibility_fault(compatibility, include_schema_shadowed) {
        ctx.error(code, path.key("compatibility"), message);
    }
}

/// What is wrong with a dependency's `compatibility`, if anything (`EMPTY_COMPATIBILITY` only when
/// `include_schema_shadowed`, where the schema does not already say it); the same rule in both formats.
fn compatibility_fault(compatibility: &str, include_schema_shadowed: bool) -> Option<(Code, String)> {
    if compatibility.is_empty() {
        return include_schema_shadowed
            .then(|| (Code::EmptyCompatibility, "compatibility range must not be empty".to_owned()));
    }
    static FAULTS: Remembered<Option<String>> = Remembered::new(COMPATIBILITY_FAULTS_KEPT);
    let message = FAULTS.get(compatibility, || {
        let err = Constraint::parse(compatibility).err()?;
        let quoted = go_quote(compatibility);
        Some(format!("invalid compatibility range {quoted}: invalid semver range {quoted}: {err}"))
    })?;
    Some((Code::InvalidCompatibility, message))
}

/// How many ranges [`compatibility_fault`] remembers the answer for.
const COMPATIBILITY_FAULTS_KEPT: usize = 4096;

fn image_ref(ctx: &mut Ctx<'_>, contract: &Contract) {
    let Some(image) = &contract.service.image else {
        return;
    };
    let reference = text(&image.reference);
    if let Err(err) = oci_ref::parse(reference) {
        ctx.error(
            Code::InvalidImageRef,
            FieldPath::root().key("service").key("image").key("ref"),
            format!("invalid image reference {}: {err}", go_quote(reference)),
        );
    }
}

fn scaling(ctx: &mut Ctx<'_>, contract: &Contract) {
    let Some(scaling) = &contract.scaling else {
        return;
    };
    if scaling.min > scaling.max {
        ctx.error(
            Code::ScalingMinExceedsMax,
            FieldPath::root().key("scaling"),
            format!("scaling min ({}) must not exceed max ({})", scaling.min, scaling.max),
        );
    }
    if contract.runtime.as_ref().is_some_and(|it| text(&it.workload) == "job") {
        ctx.error(
            Code::JobScalingNotAllowed,
            FieldPath::root().key("scaling"),
            "scaling must not be applied to job workloads".to_owned(),
        );
    }
}

fn stateless_persistent(ctx: &mut Ctx<'_>, contract: &Contract) {
    let Some(runtime) = &contract.runtime else {
        return;
    };
    if text(&runtime.state.kind) == "stateless" && text(&runtime.state.persistence.durability) == "persistent" {
        ctx.error(
            Code::StatelessPersistentConflict,
            FieldPath::root().key("runtime").key("state").key("persistence").key("durability"),
            "stateless services must use ephemeral durability; persistent durability requires stateful or hybrid"
                .to_owned(),
        );
    }
}
