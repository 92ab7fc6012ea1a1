//! Named limits of the YAML layer: each one stops a hostile document before it costs memory or stack.

/// Refused beyond this: the reference (yaml.v3) stops at the same depth, and deeper trees would
/// overflow the stack of every recursive walk that follows (JSON conversion, validation, drop).
pub const MAX_NESTING_DEPTH: usize = 10_000;

/// Refused beyond this many nodes copied by alias expansion: a ten-line "billion laughs" chain
/// would otherwise expand to gigabytes before validation runs.
pub const MAX_ALIAS_EXPANSIONS: usize = 100_000;

/// How many syntax errors are recovered from (by blanking the offending line and parsing again)
/// before the rest of the document is given up; each attempt is a full parse.
pub const MAX_RECOVERY_ATTEMPTS: usize = 16;

/// Refused beyond this size: the per-file limit of a bundle (spec "Our decisions", §5.4).
pub const MAX_CONTRACT_BYTES: usize = 10 * 1024 * 1024;

/// The limits a parse runs under; tests cross small ones, everything else uses [`Limits::DEFAULT`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_nesting_depth: usize,
    pub max_alias_expansions: usize,
    pub max_recovery_attempts: usize,
    pub max_contract_bytes: usize,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        max_nesting_depth: MAX_NESTING_DEPTH,
        max_alias_expansions: MAX_ALIAS_EXPANSIONS,
        max_recovery_attempts: MAX_RECOVERY_ATTEMPTS,
        max_contract_bytes: MAX_CONTRACT_BYTES,
    };
}
