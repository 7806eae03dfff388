//! Comparing a run's figures with a spec's, shared by the e2e tests of every input kind.

use std::collections::{BTreeMap, BTreeSet};

use nianbao::check::CheckStatus;
use nianbao::pipeline::Extracted;
use nianbao::recognise::{Figure, ReportKind};

use super::report::{ExpFigure, Expected};

/// Every difference between the figures found and the expected ones: missing, unexpected,
/// repeated, value, semantic and origin (`origin` unless the expected figure names its own).
pub fn figure_problems(found: &[Figure], expected: &[ExpFigure], origin: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let mut by_id: BTreeMap<&str, Vec<&Figure>> = BTreeMap::new();
    for f in found {
        by_id.entry(f.metric.0.as_str()).or_default().push(f);
    }
    for id in by_id.keys() {
        if !expected.iter().any(|e| e.metric == *id) {
            errs.push(format!("unexpected figure {id}"));
        }
    }
    for e in expected {
        let Some(fs) = by_id.get(e.metric.as_str()) else {
            errs.push(format!("missing figure {}", e.metric));
            continue;
        };
        if fs.len() != 1 {
            errs.push(format!("figure {} reported {} times", e.metric, fs.len()));
        }
        let f = fs[0];
        let want = e
            .value
            .as_ref()
            .map(|v| v.parse::<f64>().expect("spec value"));
        if f.value != want {
            errs.push(format!(
                "{}: value {:?} (raw {:?}), expected {:?}",
                e.metric, f.value, f.raw, e.value
            ));
        }
        if f.semantic.as_str() != e.semantic {
            errs.push(format!(
                "{}: semantic {}, expected {} (raw {:?})",
                e.metric,
                f.semantic.as_str(),
                e.semantic,
                f.raw
            ));
        }
        let origin = e.origin.unwrap_or(origin);
        if f.origin != origin {
            errs.push(format!(
                "{}: origin {}, expected {origin}",
                e.metric, f.origin
            ));
        }
    }
    errs
}

fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

/// Collects every difference between a run's result and the expectations of its spec — kind,
/// figures (value, semantic, origin, location), failed checks, office, year, dates, contacts,
/// sections with their headings and known sentences, text read twice — then fails once with all.
pub fn check_report(name: &str, x: &Extracted, e: &Expected, with_figures: bool) {
    let mut errs: Vec<String> = Vec::new();
    let r = &x.report;
    if r.kind != ReportKind::Annual {
        errs.push(format!("kind: {:?}, expected annual_report", r.kind));
    }

    // ---- figures: exactly the expected ones, each with its value, semantic, origin and place.
    let expected_ids: BTreeSet<&str> = e.figures.iter().map(|f| f.metric.as_str()).collect();
    assert_eq!(
        expected_ids.len(),
        e.figures.len(),
        "the spec itself holds each id once"
    );
    if with_figures {
        errs.extend(figure_problems(&r.figures, &e.figures, e.origin));
        for (i, ef) in e.figures.iter().enumerate() {
            let Some(f) = r.figures.iter().find(|f| f.metric.0 == ef.metric) else {
                continue;
            };
            if let Some(locs) = &e.locations {
                if f.location != locs[i] {
                    errs.push(format!(
                        "{}: location {:?}, expected {:?}",
                        ef.metric, f.location, locs[i]
                    ));
                }
            } else if let Some([t2, t3, t4]) = e.table_numbers {
                let t = match &ef.metric[..2] {
                    "t2" => t2,
                    "t3" => t3,
                    _ => t4,
                };
                if !f.location.starts_with(&format!("T{t} ")) {
                    errs.push(format!(
                        "{}: location {:?}, expected in table T{t}",
                        ef.metric, f.location
                    ));
                }
            }
        }
    }

    // ---- the hard identities hold in every spec, so no check may fail.
    for c in x.checks.iter().filter(|_| with_figures) {
        if c.status == CheckStatus::Fail {
            errs.push(format!(
                "check {} {} failed: expected {:?}, actual {:?}",
                c.check, c.scope, c.expected, c.actual
            ));
        }
    }

    // ---- metadata.
    if e.check_meta {
        let date = |d: &Option<nianbao::recognise::Date>| d.map(|d| d.to_string());
        let c = &r.contacts;
        let fields: [(&str, Option<String>, &Option<String>); 9] = [
            ("office", r.office.clone(), &e.office),
            (
                "year",
                r.year.map(|y| y.to_string()),
                &e.year.map(|y| y.to_string()),
            ),
            ("published", date(&r.published), &e.published),
            ("period_start", date(&r.period_start), &e.period_start),
            ("period_end", date(&r.period_end), &e.period_end),
            ("address", c.address.clone(), &e.address),
            ("postcode", c.postcode.clone(), &e.postcode),
            ("email", c.email.clone(), &e.email),
            ("website", c.website.clone(), &e.website),
        ];
        for (what, got, want) in fields {
            if &got != want {
                errs.push(format!("{what}: {got:?}, expected {want:?}"));
            }
        }
        if c.phones != e.phones {
            errs.push(format!("phones: {:?}, expected {:?}", c.phones, e.phones));
        }
    }

    // ---- sections: the expected ids in order, exact headings, known sentences once each.
    let ids: Vec<&str> = r.sections.iter().map(|s| s.id.as_str()).collect();
    let want_ids: Vec<&str> = e.sections.iter().map(|s| s.id).collect();
    if e.check_meta {
        if ids != want_ids {
            errs.push(format!("section ids {ids:?}, expected {want_ids:?}"));
        }
    } else {
        for id in want_ids.iter().filter(|id| **id != "preamble") {
            if !ids.contains(id) {
                errs.push(format!("section {id} missing (have {ids:?})"));
            }
        }
    }
    let all_text: String = r
        .sections
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    for es in &e.sections {
        let Some(s) = r.sections.iter().find(|s| s.id.as_str() == es.id) else {
            continue;
        };
        if es.id != "preamble" && s.heading.trim() != es.heading {
            errs.push(format!(
                "section {}: heading {:?}, expected {:?}",
                es.id, s.heading, es.heading
            ));
        }
        for k in &es.known {
            if count(&s.text, k) != 1 || count(&all_text, k) != 1 {
                errs.push(format!(
                    "section {}: {:?} found {} times in it, {} times overall (expected once)",
                    es.id,
                    k,
                    count(&s.text, k),
                    count(&all_text, k)
                ));
            }
        }
    }
    for a in &e.absent {
        let headings: String = r.sections.iter().map(|s| s.heading.as_str()).collect();
        if all_text.contains(a.as_str()) || headings.contains(a.as_str()) {
            errs.push(format!("{a:?} must not appear in any section"));
        }
    }
    for o in &e.once {
        if count(&all_text, o) != 1 {
            errs.push(format!(
                "{o:?} appears {} times over all sections (expected once: text boxes are read once)",
                count(&all_text, o)
            ));
        }
    }
    // No line of text may be read twice (text boxes through both wps and VML, merged cells …).
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    // The office name legitimately opens (title) and closes (signature) a report.
    let office = e.office.clone().unwrap_or_default();
    for line in all_text
        .lines()
        .map(str::trim)
        .filter(|l| l.chars().count() >= 8 && *l != office)
    {
        *seen.entry(line).or_default() += 1;
    }
    for (line, n) in seen.into_iter().filter(|(_, n)| *n > 1) {
        errs.push(format!("line read {n} times: {line:?}"));
    }

    assert!(
        errs.is_empty(),
        "{name}: {} problems:\n{}",
        errs.len(),
        errs.join("\n")
    );
}
