//! Soft checks: counts the narrative states (收到申请N件, 结转N件, 行政复议N件 …) against the
//! tables. The text's scope can differ from the tables' (a government's text may cover only its
//! general office), so these are reported as `text.*` rows and never counted as hard failures.

use rustc_hash::FxHashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::{CheckResult, CheckStatus};
use crate::recognise::{AnnualReport, Figure, Semantic};

struct Claim {
    check: &'static str,
    /// Patterns whose first group is the stated count.
    count: Regex,
    /// A pattern that states the count is zero (未收到…申请).
    none: Option<Regex>,
    metrics: &'static [&'static str],
}

static CLAIMS: LazyLock<Vec<Claim>> = LazyLock::new(|| {
    // ASCII digits (`[0-9]`, not `\d`): a gap of `{0,24}` copies of a class without Unicode's
    // digits compiled to a large automaton, 11 ms of every run.
    let re = |s: &str| Regex::new(s).expect("static regex");
    vec![
        Claim {
            check: "text.requests_received",
            count: re(
                r"(?:新收|收到|受理)[^，。；,;0-9]{0,24}?申请[^，。；,;0-9]{0,8}?([0-9]+)\s*(?:件|条|个)",
            ),
            none: Some(re(r"(?:未|没有)(?:收到|受理)[^，。；,;]{0,24}申请")),
            metrics: &["t3.new.total"],
        },
        Claim {
            check: "text.requests_carried_out",
            count: re(
                r"结转(?:下年度|至下年|到下年|下一年度?)[^，。；,;0-9]{0,12}?([0-9]+)\s*(?:件|条|个)",
            ),
            none: None,
            metrics: &["t3.carried_out.total"],
        },
        Claim {
            check: "text.review",
            count: re(r"行政复议[^，。；,;0-9]{0,8}?([0-9]+)\s*(?:件|起|次)"),
            none: Some(re(r"(?:未|没有)(?:发生|收到)[^，。；,;]{0,16}行政复议")),
            metrics: &["t4.review.total"],
        },
        Claim {
            check: "text.litigation",
            count: re(r"行政诉讼[^，。；,;0-9]{0,8}?([0-9]+)\s*(?:件|起|次)"),
            none: Some(re(r"(?:未|没有)(?:发生|收到)[^，。；,;]{0,16}行政诉讼")),
            metrics: &["t4.suit_direct.total", "t4.suit_after_review.total"],
        },
    ]
});

/// Compiles the narrative claims' patterns now rather than at the first report's checks.
pub(super) fn compile_patterns() {
    LazyLock::force(&CLAIMS);
}

pub(super) fn check_text_claims(
    report: &AnnualReport,
    figures: &FxHashMap<&str, &Figure>,
    out: &mut Vec<CheckResult>,
) {
    let text: String = report
        .sections
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    for claim in CLAIMS.iter() {
        let stated = claim
            .count
            .captures(&text)
            .and_then(|c| c[1].parse::<f64>().ok())
            .or_else(|| {
                claim
                    .none
                    .as_ref()
                    .filter(|r| r.is_match(&text))
                    .map(|_| 0.0)
            });
        let Some(stated) = stated else { continue };
        let terms: Vec<&Figure> = claim
            .metrics
            .iter()
            .filter_map(|m| figures.get(m).copied())
            .collect();
        if terms.len() != claim.metrics.len() {
            continue;
        }
        // A blank cell is 0, as in the identities; `na` and text leave the comparison open.
        let certain = terms.iter().all(|f| {
            matches!(
                f.semantic,
                Semantic::Number | Semantic::Zero | Semantic::Blank
            )
        });
        let blanks: Vec<&str> = terms
            .iter()
            .filter(|f| f.semantic == Semantic::Blank)
            .map(|f| f.metric.0.as_str())
            .collect();
        let table: f64 = terms.iter().filter_map(|f| f.value).sum();
        let status = if !certain {
            CheckStatus::Uncertain
        } else if (table - stated).abs() < 1e-6 {
            CheckStatus::Pass
        } else {
            CheckStatus::Fail
        };
        out.push(CheckResult {
            check: claim.check,
            scope: if certain && !blanks.is_empty() {
                format!(
                    "narrative against table; blank cells read as 0: {}",
                    blanks.join(", ")
                )
                .into()
            } else {
                "narrative against table".into()
            },
            status,
            expected: Some(stated),
            actual: Some(table),
            metrics: claim.metrics.iter().map(|&m| m.into()).collect(),
        });
    }
}
