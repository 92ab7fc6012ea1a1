//! The readiness gate of `validate --readiness` (pacto-v2.md §3.5): the score of the declared
//! claims at a given time against `minScore`. Time-dependent, so off unless asked for.

use crate::contract::text;
use crate::diagnostic::{Code, Diagnostic, Layer, Severity};
use crate::syntax::{FieldPath, Node, PathStyle};
use crate::validate::anchor_span;

use super::dates::{days_from_civil, parse_date};
use super::model::Readiness;

const SECONDS_PER_DAY: i64 = 86_400;
const DEFAULT_MIN_SCORE: i64 = 100;
const DEFAULT_PARTIAL_CREDIT: f64 = 0.5;

/// The §3.5 evaluation, as `explain` will show it.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    pub score: i64,
    pub min_score: i64,
    pub passing: bool,
    pub expired: bool,
    pub total_weight: i64,
    pub earned_weight: i64,
    pub n_done: usize,
    pub n_partial: usize,
    pub n_not_done: usize,
    pub n_deferred: usize,
    /// The fraction a partial claim earns (0.5 unless written).
    pub partial_credit: f64,
    /// Whole days left until `expires` (0 on its last day); `None` once expired.
    pub days_remaining: Option<i64>,
    /// One per claim, in order.
    pub checks: Vec<Check>,
}

/// One claim as scored.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub weight: i64,
    pub earned_weight: i64,
    /// Deferred: out of the score.
    pub excluded: bool,
}

/// `None` when there is nothing to score (no readiness section, or no claims).
pub fn evaluate(readiness: &Readiness, now_unix_seconds: i64) -> Option<Evaluation> {
    if readiness.claims.is_empty() {
        return None;
    }
    let expires_day = parse_date(text(&readiness.expires)).map(|(year, month, day)| days_from_civil(year, month, day));
    let expired = expires_day.is_none_or(|day| now_unix_seconds >= (day + 1) * SECONDS_PER_DAY);
    let days_remaining = expires_day.filter(|_| !expired).map(|day| day - now_unix_seconds.div_euclid(SECONDS_PER_DAY));
    let partial_credit = readiness.partial_credit.as_ref().map_or(DEFAULT_PARTIAL_CREDIT, |it| it.value);
    let min_score = readiness.min_score.as_ref().map_or(DEFAULT_MIN_SCORE, |it| it.value);
    let mut eval = Evaluation {
        score: 0,
        min_score,
        passing: false,
        expired,
        total_weight: 0,
        earned_weight: 0,
        n_done: 0,
        n_partial: 0,
        n_not_done: 0,
        n_deferred: 0,
        partial_credit,
        days_remaining,
        checks: Vec::with_capacity(readiness.claims.len()),
    };
    for claim in &readiness.claims {
        let weight = claim.weight.as_ref().map_or(0, |it| it.value);
        let status = text(&claim.status);
        match status {
            "done" => eval.n_done += 1,
            "partial" => eval.n_partial += 1,
            "not-done" => eval.n_not_done += 1,
            "deferred" => eval.n_deferred += 1,
            _ => {}
        }
        // Deferred claims count neither for nor against the score.
        if status == "deferred" {
            eval.checks.push(Check { weight, earned_weight: 0, excluded: true });
            continue;
        }
        eval.total_weight += weight;
        let earned_weight = match status {
            _ if expired => 0,
            "done" => weight,
            // Go's math.Round: half away from zero, as f64::round.
            "partial" => (weight as f64 * partial_credit).round() as i64,
            _ => 0,
        };
        eval.earned_weight += earned_weight;
        eval.checks.push(Check { weight, earned_weight, excluded: false });
    }
    if eval.total_weight > 0 {
        eval.score = (eval.earned_weight as f64 / eval.total_weight as f64 * 100.0).round() as i64;
    }
    eval.passing = !expired && eval.score >= min_score;
    Some(eval)
}

/// `READINESS_GATE_UNMET` at `readiness` when the gate fails at `now_unix_seconds`.
pub fn gate(root: &Node, readiness: Option<&Readiness>, now_unix_seconds: i64) -> Option<Diagnostic> {
    let eval = evaluate(readiness?, now_unix_seconds)?;
    if eval.passing {
        return None;
    }
    let state = if eval.expired { "assessment expired" } else { "score below gate" };
    let path = FieldPath::root().key("readiness");
    Some(Diagnostic {
        code: Code::ReadinessGateUnmet,
        severity: Severity::Error,
        layer: Layer::Policy,
        span: anchor_span(root, &path),
        path,
        path_style: PathStyle::Bracketed,
        message: format!(
            "{state}: score {}, minScore {} ({} done, {} partial, {} not-done, {} deferred)",
            eval.score, eval.min_score, eval.n_done, eval.n_partial, eval.n_not_done, eval.n_deferred
        ),
        related: Vec::new(),
        rule: None,
    })
}
