//! Findings about a contract: a reference code, a severity, a field path, a byte span and a message.

use std::fmt;

use crate::syntax::{FieldPath, PathStyle, Span};

/// Every code the reference emits (1.0: spec §2.3–§2.6; 2.0: pacto-v2.md §3); `as_str` holds each
/// reference string once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    ParseError,
    YamlParseError,
    SchemaViolation,
    SchemaError,
    InvalidSemver,
    DuplicateInterfaceName,
    PortRequired,
    PortIgnored,
    ContractRequired,
    HealthInterfaceNotFound,
    HealthInterfaceInvalid,
    HealthPathRequired,
    HealthPathIgnored,
    FileNotFound,
    InvalidOciRef,
    TagNotDigest,
    EmptyCompatibility,
    InvalidCompatibility,
    InvalidImageRef,
    ScalingMinExceedsMax,
    JobScalingNotAllowed,
    StatelessPersistentConflict,
    UpgradeStrategyStateMismatch,
    // Format 2.0 only (pacto-v2.md §3.1, §3.3–§3.5).
    DuplicateConfigurationName,
    DuplicatePolicyName,
    DuplicateDependencyName,
    CapabilityInterfaceUnknown,
    CapabilityPathInvalid,
    CapabilityRefInvalid,
    DuplicateCapability,
    InvalidInterfaceSpec,
    InvalidConfigJson,
    InvalidConfigSchema,
    InvalidConfigRef,
    InvalidPolicyRef,
    InvalidPolicyJson,
    InvalidPolicySchema,
    ValuesWithoutSchema,
    ConfigValuesValidationFailed,
    InvalidReadinessExpires,
    InvalidReadinessRevision,
    DuplicateReadinessId,
    EmptyReadinessEvidence,
    EmptyReadinessDescription,
    PolicyViolation,
    PolicyEnforcementError,
    PolicyRefUnresolved,
    PolicyRefCycle,
    PolicyRefNotEnforced,
    ReadinessGateUnmet,
    /// `pacto.lock` verification (pacto-v2.md §4.4).
    LockMissing,
    LockStale,
    LockLocalDrift,
    LockDigestMismatch,
    LockConflict,
    LockUnresolved,
    LockDuplicateDeclaration,
    LockAmbiguousReference,
    LockError,
}

impl Code {
    pub const ALL: [Code; 59] = [
        Code::ParseError,
        Code::YamlParseError,
        Code::SchemaViolation,
        Code::SchemaError,
        Code::InvalidSemver,
        Code::DuplicateInterfaceName,
        Code::PortRequired,
        Code::PortIgnored,
        Code::ContractRequired,
        Code::HealthInterfaceNotFound,
        Code::HealthInterfaceInvalid,
        Code::HealthPathRequired,
        Code::HealthPathIgnored,
        Code::FileNotFound,
        Code::InvalidOciRef,
        Code::TagNotDigest,
        Code::EmptyCompatibility,
        Code::InvalidCompatibility,
        Code::InvalidImageRef,
        Code::ScalingMinExceedsMax,
        Code::JobScalingNotAllowed,
        Code::StatelessPersistentConflict,
        Code::UpgradeStrategyStateMismatch,
        Code::DuplicateConfigurationName,
        Code::DuplicatePolicyName,
        Code::DuplicateDependencyName,
        Code::CapabilityInterfaceUnknown,
        Code::CapabilityPathInvalid,
        Code::CapabilityRefInvalid,
        Code::DuplicateCapability,
        Code::InvalidInterfaceSpec,
        Code::InvalidConfigJson,
        Code::InvalidConfigSchema,
        Code::InvalidConfigRef,
        Code::InvalidPolicyRef,
        Code::InvalidPolicyJson,
        Code::InvalidPolicySchema,
        Code::ValuesWithoutSchema,
        Code::ConfigValuesValidationFailed,
        Code::InvalidReadinessExpires,
        Code::InvalidReadinessRevision,
        Code::DuplicateReadinessId,
        Code::EmptyReadinessEvidence,
        Code::EmptyReadinessDescription,
        Code::PolicyViolation,
        Code::PolicyEnforcementError,
        Code::PolicyRefUnresolved,
        Code::PolicyRefCycle,
        Code::PolicyRefNotEnforced,
        Code::ReadinessGateUnmet,
        Code::LockMissing,
        Code::LockStale,
        Code::LockLocalDrift,
        Code::LockDigestMismatch,
        Code::LockConflict,
        Code::LockUnresolved,
        Code::LockDuplicateDeclaration,
        Code::LockAmbiguousReference,
        Code::LockError,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::ParseError => "PARSE_ERROR",
            Code::YamlParseError => "YAML_PARSE_ERROR",
            Code::SchemaViolation => "SCHEMA_VIOLATION",
            Code::SchemaError => "SCHEMA_ERROR",
            Code::InvalidSemver => "INVALID_SEMVER",
            Code::DuplicateInterfaceName => "DUPLICATE_INTERFACE_NAME",
            Code::PortRequired => "PORT_REQUIRED",
            Code::PortIgnored => "PORT_IGNORED",
            Code::ContractRequired => "CONTRACT_REQUIRED",
            Code::HealthInterfaceNotFound => "HEALTH_INTERFACE_NOT_FOUND",
            Code::HealthInterfaceInvalid => "HEALTH_INTERFACE_INVALID",
            Code::HealthPathRequired => "HEALTH_PATH_REQUIRED",
            Code::HealthPathIgnored => "HEALTH_PATH_IGNORED",
            Code::FileNotFound => "FILE_NOT_FOUND",
            Code::InvalidOciRef => "INVALID_OCI_REF",
            Code::TagNotDigest => "TAG_NOT_DIGEST",
            Code::EmptyCompatibility => "EMPTY_COMPATIBILITY",
            Code::InvalidCompatibility => "INVALID_COMPATIBILITY",
            Code::InvalidImageRef => "INVALID_IMAGE_REF",
            Code::ScalingMinExceedsMax => "SCALING_MIN_EXCEEDS_MAX",
            Code::JobScalingNotAllowed => "JOB_SCALING_NOT_ALLOWED",
            Code::StatelessPersistentConflict => "STATELESS_PERSISTENT_CONFLICT",
            Code::UpgradeStrategyStateMismatch => "UPGRADE_STRATEGY_STATE_MISMATCH",
            Code::DuplicateConfigurationName => "DUPLICATE_CONFIGURATION_NAME",
            Code::DuplicatePolicyName => "DUPLICATE_POLICY_NAME",
            Code::DuplicateDependencyName => "DUPLICATE_DEPENDENCY_NAME",
            Code::CapabilityInterfaceUnknown => "CAPABILITY_INTERFACE_UNKNOWN",
            Code::CapabilityPathInvalid => "CAPABILITY_PATH_INVALID",
            Code::CapabilityRefInvalid => "CAPABILITY_REF_INVALID",
            Code::DuplicateCapability => "DUPLICATE_CAPABILITY",
            Code::InvalidInterfaceSpec => "INVALID_INTERFACE_SPEC",
            Code::InvalidConfigJson => "INVALID_CONFIG_JSON",
            Code::InvalidConfigSchema => "INVALID_CONFIG_SCHEMA",
            Code::InvalidConfigRef => "INVALID_CONFIG_REF",
            Code::InvalidPolicyRef => "INVALID_POLICY_REF",
            Code::InvalidPolicyJson => "INVALID_POLICY_JSON",
            Code::InvalidPolicySchema => "INVALID_POLICY_SCHEMA",
            Code::ValuesWithoutSchema => "VALUES_WITHOUT_SCHEMA",
            Code::ConfigValuesValidationFailed => "CONFIG_VALUES_VALIDATION_FAILED",
            Code::InvalidReadinessExpires => "INVALID_READINESS_EXPIRES",
            Code::InvalidReadinessRevision => "INVALID_READINESS_REVISION",
            Code::DuplicateReadinessId => "DUPLICATE_READINESS_ID",
            Code::EmptyReadinessEvidence => "EMPTY_READINESS_EVIDENCE",
            Code::EmptyReadinessDescription => "EMPTY_READINESS_DESCRIPTION",
            Code::PolicyViolation => "POLICY_VIOLATION",
            Code::PolicyEnforcementError => "POLICY_ENFORCEMENT_ERROR",
            Code::PolicyRefUnresolved => "POLICY_REF_UNRESOLVED",
            Code::PolicyRefCycle => "POLICY_REF_CYCLE",
            Code::PolicyRefNotEnforced => "POLICY_REF_NOT_ENFORCED",
            Code::ReadinessGateUnmet => "READINESS_GATE_UNMET",
            Code::LockMissing => "LOCK_MISSING",
            Code::LockStale => "LOCK_STALE",
            Code::LockLocalDrift => "LOCK_LOCAL_DRIFT",
            Code::LockDigestMismatch => "LOCK_DIGEST_MISMATCH",
            Code::LockConflict => "LOCK_CONFLICT",
            Code::LockUnresolved => "LOCK_UNRESOLVED",
            Code::LockDuplicateDeclaration => "LOCK_DUPLICATE_DECLARATION",
            Code::LockAmbiguousReference => "LOCK_AMBIGUOUS_REFERENCE",
            Code::LockError => "LOCK_ERROR",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// Which stage found it; the editor drops a later layer's finding on a span an earlier one took.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Layer {
    Parse,
    Structural,
    CrossField,
    Semantic,
    /// Format 2.0's layer 3: policy resolution and enforcement.
    Policy,
}

/// A second place a finding involves (the first declaration of a duplicate name, say).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub layer: Layer,
    pub path: FieldPath,
    pub path_style: PathStyle,
    pub span: Span,
    pub message: String,
    pub related: Vec<Related>,
    /// The schema keyword a layer-1 finding broke; `None` for every other finding. Fixes match on
    /// it, never on the message, which keeps the reference's wording and may change with it. No
    /// output shows it. Boxed: most findings have none, and a `Diagnostic` travels in `Result`s.
    pub rule: Option<Box<SchemaRule>>,
}

/// What a layer-1 (schema) finding broke, with the data a fix needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemaRule {
    /// `type`: the value's JSON type and the types the schema allows.
    Type { got: &'static str, want: Vec<String> },
    /// `const`: the one value allowed.
    Const { value: serde_json::Value },
    /// `enum`: the values allowed, in the schema's order.
    Enum { values: Vec<serde_json::Value> },
    /// `required`: the properties missing from one object, grouped as the reference reports them.
    Required { missing: Vec<String> },
    /// `additionalProperties`: the keys the schema does not declare.
    AdditionalProperty { names: Vec<String> },
    /// Any other keyword (pattern, bounds, `not`, …): no fix needs more than the code.
    Other,
}

impl Diagnostic {
    /// The path as the reference prints it: dotted for layer 1, bracketed elsewhere.
    pub fn path_text(&self) -> String {
        self.path.render(self.path_style)
    }
}
