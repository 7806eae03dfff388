//! **check**: the arithmetic identities of the tables, per report (spec, "Identities").
//!
//! A failure is a finding to report, never something to fix. A blank cell counts as 0, as in
//! figures.csv (offices leave zeros blank): an identity that does not hold with its blanks read
//! as 0 fails, and one that holds passes, either way with a note naming the blank cells. A term
//! that was not applicable (`/`, `—`), text or not read at all makes the identity `uncertain`.

pub mod compare;
mod text_claims;

pub use compare::office_key;

use std::borrow::Cow;
use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use crate::recognise::{AnnualReport, Figure, Semantic};

/// Outcome of one identity check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckStatus {
    Pass,
    Fail,
    /// A term was not applicable, text or unread: the identity could not be decided.
    Uncertain,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Fail => "fail",
            CheckStatus::Uncertain => "uncertain",
        }
    }
}

/// One identity evaluated on one scope (a column, a row, a block).
#[derive(Debug, Clone, PartialEq)]
pub struct CheckResult {
    /// Which identity: `t3.column_balance`, `t3.column_total`, `t3.row_total`, `t4.block_total`,
    /// `values.valid`, or a soft `text.*` comparison of the narrative against the tables.
    pub check: &'static str,
    /// What the identity was checked on; for a failure followed by `; cells ` and the
    /// `location` of every term (table, cell, picture and box), in the order of `metrics`.
    /// (Borrowed from the identity, built once, when nothing is added for this report.)
    pub scope: Cow<'static, str>,
    pub status: CheckStatus,
    pub expected: Option<f64>,
    pub actual: Option<f64>,
    /// The metric ids involved, so a finding leads back to the cells.
    pub metrics: Vec<Cow<'static, str>>,
}

impl CheckResult {
    /// Hard identities hold within one correct report; soft ones (`text.*`) may differ in scope.
    pub fn is_hard(&self) -> bool {
        !self.check.starts_with("text.")
    }
}

use crate::recognise::metrics::{T3_COLS, T3_ROWS_2021, T4_BLOCKS as T4_BLOCK_LABELS, T4_COLS};

/// 表三 column keys, from the metric catalogue.
pub fn t3_columns() -> impl Iterator<Item = &'static str> + Clone {
    T3_COLS.iter().map(|(k, _)| *k)
}

/// 表三 rows whose sum is （七）总计 in the 2021 format, in printed order: every row of the
/// catalogue but 一、二、（七）and 四.
fn t3_outcomes_2021() -> impl Iterator<Item = &'static str> + Clone {
    T3_ROWS_2021
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| !matches!(*k, "new" | "carried_in" | "total" | "carried_out"))
}

fn t4_blocks() -> impl Iterator<Item = &'static str> {
    T4_BLOCK_LABELS.iter().map(|(k, _)| *k)
}

/// 表四 parts whose sum is the block's 总计.
fn t4_parts() -> impl Iterator<Item = &'static str> {
    T4_COLS.iter().map(|(k, _)| *k).filter(|k| *k != "total")
}

/// Lookup of a report's figures by metric id.
struct Figures<'a>(FxHashMap<&'a str, &'a Figure>);

/// A term of an identity: its value, and how it was printed.
#[derive(Clone, Copy)]
struct Term {
    value: f64,
    printed: Printed,
}

/// How a term was printed: a number (or 0), an empty cell (read as 0), or something that is no
/// count at all (`na`, text) — the last leaves an identity undecided.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Printed {
    Number,
    Blank,
    Unknown,
}

impl<'a> Figures<'a> {
    fn term(&self, id: &str) -> Option<Term> {
        let f = self.0.get(id)?;
        Some(match f.semantic {
            Semantic::Number | Semantic::Zero => Term {
                value: f.value.unwrap_or(0.0),
                printed: Printed::Number,
            },
            Semantic::Blank => Term {
                value: 0.0,
                printed: Printed::Blank,
            },
            Semantic::Na | Semantic::Text => Term {
                value: 0.0,
                printed: Printed::Unknown,
            },
        })
    }

    /// The id as the report holds it (borrowed for as long as the figures are).
    fn id_of(&self, id: &str) -> &'a str {
        self.0.get_key_value(id).map_or("", |(k, _)| k)
    }

    fn has_prefix(&self, prefix: &str) -> bool {
        self.0.keys().any(|k| k.starts_with(prefix))
    }
}

/// One identity on one scope, `lhs = rhs` over metric ids. Built once per format (the ids and
/// scope texts are the same in every report), then evaluated on each report's figures.
struct Identity {
    check: &'static str,
    scope: String,
    lhs: Vec<String>,
    rhs: Vec<String>,
}

impl Identity {
    fn new(check: &'static str, scope: String, lhs: Vec<String>, rhs: Vec<String>) -> Self {
        Identity {
            check,
            scope,
            lhs,
            rhs,
        }
    }
}

/// Evaluates `lhs terms = rhs terms`, blank cells read as 0. A term that is missing, not
/// applicable or text makes the identity uncertain.
fn balance(identity: &'static Identity, f: &Figures) -> CheckResult {
    let Identity {
        check,
        scope,
        lhs,
        rhs,
    } = identity;
    let mut unknown = false;
    let mut blanks: Vec<&str> = Vec::new();
    let mut sum = |ids: &[String]| -> f64 {
        let mut total = 0.0;
        for id in ids {
            match f.term(id) {
                Some(t) => {
                    match t.printed {
                        Printed::Number => {}
                        Printed::Blank => blanks.push(f.id_of(id)),
                        Printed::Unknown => unknown = true,
                    }
                    total += t.value;
                }
                None => unknown = true,
            }
        }
        total
    };
    let expected = sum(lhs);
    let actual = sum(rhs);
    let status = if unknown {
        CheckStatus::Uncertain
    } else if (expected - actual).abs() < 1e-6 {
        CheckStatus::Pass
    } else {
        CheckStatus::Fail
    };
    let metrics: Vec<Cow<'static, str>> = lhs
        .iter()
        .chain(rhs)
        .map(|id| Cow::Borrowed(id.as_str()))
        .collect();
    let mut scope = Cow::Borrowed(scope.as_str());
    // A decided identity says which of its terms were blank cells taken as 0.
    if status != CheckStatus::Uncertain && !blanks.is_empty() {
        scope
            .to_mut()
            .push_str(&format!("; blank cells read as 0: {}", blanks.join(", ")));
    }
    // A finding says where to look: the cells (and pictures) of its terms, in metric order.
    if status == CheckStatus::Fail {
        let cells: Vec<&str> = metrics
            .iter()
            .filter_map(|id| f.0.get(id.as_ref()))
            .map(|fig| fig.location.as_str())
            .collect();
        scope
            .to_mut()
            .push_str(&format!("; cells {}", cells.join(", ")));
    }
    CheckResult {
        check,
        scope,
        status,
        expected: Some(expected),
        actual: Some(actual),
        metrics,
    }
}

/// Compiles the checks' patterns (a third of a batch's start-up), so that a thread with nothing
/// else to do yet can take it off the workers' first reports.
pub fn compile_patterns() {
    text_claims::compile_patterns();
}

/// Runs every identity that applies to the tables the report has.
pub fn check_report(report: &AnnualReport) -> Vec<CheckResult> {
    let figures = Figures(
        report
            .figures
            .iter()
            .map(|f| (f.metric.0.as_str(), f))
            .collect(),
    );
    let mut out = Vec::new();
    if figures.has_prefix("t3.") {
        check_t3(&figures, &mut out);
    }
    if figures.has_prefix("t4.") {
        check_t4(&figures, &mut out);
    }
    check_values(report, &mut out);
    text_claims::check_text_claims(report, &figures.0, &mut out);
    out
}

fn t3(row: &str, col: &str) -> String {
    format!("t3.{row}.{col}")
}

/// 表三's identities 1–3 in the 2021 format, or in the 2019 trial format, whose （六）其他处理 is
/// a single row `t3.other.{col}`.
fn t3_identities(f2019: bool) -> &'static [Identity] {
    static BY_FORMAT: LazyLock<[Vec<Identity>; 2]> =
        LazyLock::new(|| [build_t3_identities(false), build_t3_identities(true)]);
    &BY_FORMAT[usize::from(f2019)]
}

fn build_t3_identities(f2019: bool) -> Vec<Identity> {
    let outcomes: Vec<&str> = if f2019 {
        t3_outcomes_2021()
            .filter(|r| !r.starts_with("other."))
            .chain(["other"])
            .collect()
    } else {
        t3_outcomes_2021().collect()
    };
    let mut out = Vec::new();
    for col in t3_columns() {
        out.push(Identity::new(
            "t3.column_balance",
            format!("column {col}: new + carried_in = total + carried_out"),
            vec![t3("new", col), t3("carried_in", col)],
            vec![t3("total", col), t3("carried_out", col)],
        ));
    }
    for col in t3_columns() {
        out.push(Identity::new(
            "t3.column_total",
            format!("column {col}: total = sum of outcomes"),
            vec![t3("total", col)],
            outcomes.iter().map(|r| t3(r, col)).collect(),
        ));
    }
    let rows = ["new", "carried_in"]
        .into_iter()
        .chain(outcomes.iter().copied())
        .chain(["total", "carried_out"]);
    for row in rows {
        out.push(Identity::new(
            "t3.row_total",
            format!("row {row}: total = sum of applicant columns"),
            vec![t3(row, "total")],
            t3_columns()
                .filter(|c| *c != "total")
                .map(|c| t3(row, c))
                .collect(),
        ));
    }
    out
}

fn check_t3(f: &Figures, out: &mut Vec<CheckResult>) {
    let f2019 = f.0.contains_key("t3.other.total");
    out.extend(t3_identities(f2019).iter().map(|i| balance(i, f)));
}

/// 表四's identity 4, each block: total = the four results.
fn t4_identities() -> &'static [Identity] {
    static BLOCKS: LazyLock<Vec<Identity>> = LazyLock::new(|| {
        t4_blocks()
            .map(|block| {
                Identity::new(
                    "t4.block_total",
                    format!("{block}: total = upheld + corrected + other + pending"),
                    vec![format!("t4.{block}.total")],
                    t4_parts().map(|p| format!("t4.{block}.{p}")).collect(),
                )
            })
            .collect()
    });
    &BLOCKS
}

fn check_t4(f: &Figures, out: &mut Vec<CheckResult>) {
    out.extend(t4_identities().iter().map(|i| balance(i, f)));
}

/// Identity 5: counts are non-negative integers, the fee a non-negative decimal. Only findings
/// are listed (one row per offending figure) — 200 passing rows would drown them.
fn check_values(report: &AnnualReport, out: &mut Vec<CheckResult>) {
    for fig in &report.figures {
        let id = fig.metric.0.as_str();
        // 2019's 本年增/减 is a signed change.
        if id.ends_with(".change") {
            continue;
        }
        let problem = match (fig.semantic, fig.value) {
            (Semantic::Text, _) => Some("not a number"),
            (_, Some(v)) if v < 0.0 => Some("negative"),
            (_, Some(v)) if !id.ends_with("_wan") && v.fract() != 0.0 => Some("not a whole number"),
            _ => None,
        };
        if let Some(problem) = problem {
            out.push(CheckResult {
                check: "values.valid",
                scope: format!("{id}: {problem} ({}); cells {}", fig.raw, fig.location).into(),
                status: if fig.semantic == Semantic::Text {
                    CheckStatus::Uncertain
                } else {
                    CheckStatus::Fail
                },
                expected: None,
                actual: fig.value,
                metrics: vec![Cow::Owned(id.to_string())],
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognise::{Contacts, MetricId, ReportKind, Section, SectionId};
    use std::collections::HashMap;

    fn fig(id: &str, value: Option<f64>, semantic: Semantic) -> Figure {
        Figure {
            metric: MetricId(id.to_string()),
            value,
            raw: value.map(|v| v.to_string()).unwrap_or_default(),
            semantic,
            origin: "word",
            location: format!("T1 cell of {id}"),
            cell: None,
        }
    }

    fn report(figures: Vec<Figure>, text: &str) -> AnnualReport {
        AnnualReport {
            kind: ReportKind::Annual,
            office: None,
            year: None,
            published: None,
            period_start: None,
            period_end: None,
            contacts: Contacts::default(),
            sections: vec![Section {
                id: SectionId::Overview,
                heading: String::new(),
                text: text.to_string(),
                origin: crate::recognise::ORIGIN_TEXT,
            }],
            notes: None,
            pictures: None,
            figures,
            table_formats: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// A consistent 表三: 5 new + 1 carried in from natural persons; 4 granted, 1 not held,
    /// 1 carried out. Every other cell is a printed 0.
    fn consistent_t3() -> Vec<Figure> {
        let mut values: HashMap<String, f64> = HashMap::new();
        for (row, v) in [
            ("new", 5.0),
            ("carried_in", 1.0),
            ("granted", 4.0),
            ("unavailable.not_held", 1.0),
            ("total", 5.0),
            ("carried_out", 1.0),
        ] {
            values.insert(t3(row, "natural_person"), v);
            values.insert(t3(row, "total"), v);
        }
        let rows = ["new", "carried_in"]
            .into_iter()
            .chain(t3_outcomes_2021())
            .chain(["total", "carried_out"]);
        let mut out = Vec::new();
        for row in rows {
            for col in t3_columns() {
                let id = t3(row, col);
                let v = values.get(&id).copied().unwrap_or(0.0);
                let sem = if v == 0.0 {
                    Semantic::Zero
                } else {
                    Semantic::Number
                };
                out.push(fig(&id, Some(v), sem));
            }
        }
        out
    }

    fn statuses(checks: &[CheckResult], name: &str) -> Vec<CheckStatus> {
        checks
            .iter()
            .filter(|c| c.check == name)
            .map(|c| c.status)
            .collect()
    }

    #[test]
    fn a_consistent_table_passes_every_identity() {
        let checks = check_report(&report(consistent_t3(), ""));
        assert_eq!(checks.len(), 7 + 7 + 25);
        assert!(
            checks.iter().all(|c| c.status == CheckStatus::Pass),
            "{checks:#?}"
        );
    }

    #[test]
    fn a_broken_carry_over_fails_only_its_columns() {
        let mut figs = consistent_t3();
        for f in &mut figs {
            if f.metric.0 == "t3.carried_out.natural_person" {
                f.value = Some(2.0);
            }
        }
        let checks = check_report(&report(figs, ""));
        let failed: Vec<&str> = checks
            .iter()
            .filter(|c| c.status == CheckStatus::Fail)
            .map(|c| c.scope.as_ref())
            .collect();
        assert_eq!(
            failed,
            vec![
                "column natural_person: new + carried_in = total + carried_out; cells \
                 T1 cell of t3.new.natural_person, T1 cell of t3.carried_in.natural_person, \
                 T1 cell of t3.total.natural_person, T1 cell of t3.carried_out.natural_person",
                "row carried_out: total = sum of applicant columns; cells \
                 T1 cell of t3.carried_out.total, T1 cell of t3.carried_out.natural_person, \
                 T1 cell of t3.carried_out.business, T1 cell of t3.carried_out.research, \
                 T1 cell of t3.carried_out.nonprofit, T1 cell of t3.carried_out.legal_service, \
                 T1 cell of t3.carried_out.other_org"
            ]
        );
    }

    fn scopes_with(checks: &[CheckResult], status: CheckStatus) -> Vec<&str> {
        checks
            .iter()
            .filter(|c| c.status == status)
            .map(|c| c.scope.as_ref())
            .collect()
    }

    #[test]
    fn blanks_count_as_0_and_only_na_leaves_an_identity_uncertain() {
        let mut figs = consistent_t3();
        for f in &mut figs {
            if f.metric.0 == "t3.partial.research" {
                f.semantic = Semantic::Blank;
            }
            if f.metric.0 == "t3.new.business" {
                f.semantic = Semantic::Na;
                f.value = None;
            }
        }
        let checks = check_report(&report(figs, ""));
        assert_eq!(
            scopes_with(&checks, CheckStatus::Uncertain),
            [
                "column business: new + carried_in = total + carried_out",
                "row new: total = sum of applicant columns",
            ]
        );
        // the blank 科研机构 cell of （二）部分公开 is 0, and 0 is what its identities need
        let noted: Vec<(&str, CheckStatus)> = checks
            .iter()
            .filter(|c| c.scope.contains("blank"))
            .map(|c| (c.scope.as_ref(), c.status))
            .collect();
        assert_eq!(
            noted,
            [
                (
                    "column research: total = sum of outcomes; blank cells read as 0: \
                     t3.partial.research",
                    CheckStatus::Pass
                ),
                (
                    "row partial: total = sum of applicant columns; blank cells read as 0: \
                     t3.partial.research",
                    CheckStatus::Pass
                ),
            ]
        );
        assert!(scopes_with(&checks, CheckStatus::Fail).is_empty());
    }

    /// 表四 as offices print it: 行政复议 总计 2 over four blank cells fails (0+0+0+0 ≠ 2);
    /// a block left blank throughout adds up; a block with a `/` stays undecided.
    #[test]
    fn a_total_printed_over_blank_cells_fails_with_a_note() {
        let mut figs = Vec::new();
        for block in t4_blocks() {
            for part in ["upheld", "corrected", "other", "pending", "total"] {
                let id = format!("t4.{block}.{part}");
                figs.push(match (block, part) {
                    ("review", "total") => fig(&id, Some(2.0), Semantic::Number),
                    ("suit_after_review", "upheld") => fig(&id, None, Semantic::Na),
                    ("suit_after_review", "total") => fig(&id, Some(0.0), Semantic::Zero),
                    _ => fig(&id, Some(0.0), Semantic::Blank),
                });
            }
        }
        let checks = check_report(&report(figs, ""));
        assert_eq!(
            statuses(&checks, "t4.block_total"),
            [CheckStatus::Fail, CheckStatus::Pass, CheckStatus::Uncertain]
        );
        assert_eq!(
            (checks[0].expected, checks[0].actual),
            (Some(2.0), Some(0.0))
        );
        assert_eq!(
            checks[0].scope,
            "review: total = upheld + corrected + other + pending; blank cells read as 0: \
             t4.review.upheld, t4.review.corrected, t4.review.other, t4.review.pending; cells \
             T1 cell of t4.review.total, T1 cell of t4.review.upheld, \
             T1 cell of t4.review.corrected, T1 cell of t4.review.other, \
             T1 cell of t4.review.pending"
        );
        assert_eq!(
            checks[1].scope,
            "suit_direct: total = upheld + corrected + other + pending; blank cells read as 0: \
             t4.suit_direct.total, t4.suit_direct.upheld, t4.suit_direct.corrected, \
             t4.suit_direct.other, t4.suit_direct.pending"
        );
        assert_eq!(
            checks[2].scope,
            "suit_after_review: total = upheld + corrected + other + pending"
        );
    }

    /// The 2019 trial format's 表三 ((六) one row, `t3.other.{col}`) is held to identities 1–3 with
    /// its own rows, blanks read as 0 the same way.
    #[test]
    fn the_2019_t3_is_checked_with_its_single_other_row_and_blanks_as_0() {
        let mut figs: Vec<Figure> = consistent_t3()
            .into_iter()
            .filter(|f| !f.metric.0.starts_with("t3.other."))
            .collect();
        for col in t3_columns() {
            let id = t3("other", col);
            figs.push(if col == "total" {
                fig(&id, Some(1.0), Semantic::Number)
            } else {
                fig(&id, Some(0.0), Semantic::Blank)
            });
        }
        let checks = check_report(&report(figs, ""));
        assert_eq!(checks.len(), 7 + 7 + 23, "23 rows in the 2019 表三");
        let failed: Vec<&CheckResult> = checks
            .iter()
            .filter(|c| c.status == CheckStatus::Fail)
            .collect();
        assert_eq!(failed.len(), 2, "{failed:#?}");
        // （七）总计 5 against the outcomes with （六） printed as 1
        assert_eq!(failed[0].check, "t3.column_total");
        assert!(failed[0].metrics.iter().any(|m| m == "t3.other.total"));
        assert!(!failed[0].scope.contains("blank"), "{}", failed[0].scope);
        assert_eq!(
            (failed[0].expected, failed[0].actual),
            (Some(5.0), Some(6.0))
        );
        // （六）'s own row: 总计 1 over six blank applicant cells
        assert_eq!(failed[1].check, "t3.row_total");
        assert!(
            failed[1].scope.starts_with(
                "row other: total = sum of applicant columns; blank cells read as 0: \
                 t3.other.natural_person, t3.other.business, t3.other.research, \
                 t3.other.nonprofit, t3.other.legal_service, t3.other.other_org; cells "
            ),
            "{}",
            failed[1].scope
        );
    }

    #[test]
    fn t4_totals_that_do_not_add_up_fail() {
        let mut figs = Vec::new();
        for block in t4_blocks() {
            for (part, v) in [
                ("upheld", 2.0),
                ("corrected", 1.0),
                ("other", 0.0),
                ("pending", 0.0),
                ("total", if block == "review" { 4.0 } else { 3.0 }),
            ] {
                figs.push(fig(
                    &format!("t4.{block}.{part}"),
                    Some(v),
                    Semantic::Number,
                ));
            }
        }
        let checks = check_report(&report(figs, ""));
        assert_eq!(
            statuses(&checks, "t4.block_total"),
            vec![CheckStatus::Fail, CheckStatus::Pass, CheckStatus::Pass]
        );
        assert_eq!(checks[0].expected, Some(4.0));
        assert_eq!(checks[0].actual, Some(3.0));
    }

    #[test]
    fn negative_and_fractional_counts_are_findings() {
        let figs = vec![
            fig("t2.licensing.decisions", Some(-3.0), Semantic::Number),
            fig("t2.penalty.decisions", Some(2.5), Semantic::Number),
            fig("t2.fees.amount_wan", Some(103.3879), Semantic::Number),
        ];
        let checks = check_report(&report(figs, ""));
        let scopes: Vec<&str> = checks.iter().map(|c| c.scope.as_ref()).collect();
        assert_eq!(
            scopes,
            vec![
                "t2.licensing.decisions: negative (-3); cells T1 cell of t2.licensing.decisions",
                "t2.penalty.decisions: not a whole number (2.5); cells T1 cell of t2.penalty.decisions"
            ]
        );
    }

    #[test]
    fn narrative_counts_are_compared_with_the_tables() {
        let text = "全年共收到政府信息公开申请5件，结转下年度继续办理1件。未发生行政复议。";
        let mut figs = consistent_t3();
        figs.push(fig("t4.review.total", Some(1.0), Semantic::Number));
        let checks = check_report(&report(figs, text));
        assert_eq!(
            statuses(&checks, "text.requests_received"),
            vec![CheckStatus::Pass]
        );
        assert_eq!(
            statuses(&checks, "text.requests_carried_out"),
            vec![CheckStatus::Pass]
        );
        assert_eq!(statuses(&checks, "text.review"), vec![CheckStatus::Fail]);
        assert!(checks
            .iter()
            .filter(|c| c.status == CheckStatus::Fail)
            .all(|c| !c.is_hard()));
    }

    #[test]
    fn the_narrative_is_compared_with_blank_cells_read_as_0() {
        let text = "未发生行政复议。本年度行政诉讼3件。";
        let mut figs = consistent_t3();
        figs.push(fig("t4.review.total", Some(0.0), Semantic::Blank));
        let checks = check_report(&report(figs, text));
        let c = checks
            .iter()
            .find(|c| c.check == "text.review")
            .expect("claim found");
        assert_eq!(
            (c.status, c.scope.as_ref()),
            (
                CheckStatus::Pass,
                "narrative against table; blank cells read as 0: t4.review.total"
            )
        );
    }

    #[test]
    fn no_application_received_reads_as_zero() {
        let text = "2023年，未收到政务信息公开申请事项，同去年相比没有变化。";
        let checks = check_report(&report(consistent_t3(), text));
        let c = checks
            .iter()
            .find(|c| c.check == "text.requests_received")
            .expect("claim found");
        assert_eq!(
            (c.expected, c.actual, c.status),
            (Some(0.0), Some(5.0), CheckStatus::Fail)
        );
    }
}
