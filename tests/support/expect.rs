//! Comparing a run's figures with a spec's, shared by the e2e tests of every input kind.

use std::collections::BTreeMap;

use nianbao::recognise::Figure;

use super::report::ExpFigure;

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
