//! **check**: the arithmetic identities of the tables, per report.

use crate::recognise::AnnualReport;

/// Outcome of one identity check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckStatus {
    Pass,
    Fail,
    /// A term was blank, not applicable or unread: the identity could not be decided.
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
    pub check: String,
    pub scope: String,
    pub status: CheckStatus,
    pub expected: Option<f64>,
    pub actual: Option<f64>,
    /// The metric ids involved, so a finding leads back to the cells.
    pub metrics: Vec<String>,
}

pub fn check_report(_report: &AnnualReport) -> Vec<CheckResult> {
    Vec::new()
}
