//! Pictures and embedded objects met in a story: alt text, image references resolved to
//! image parts, and warnings for objects whose content is not read.

use quick_xml::events::BytesStart;

use super::super::xml::{attr, rel_attr};
use super::Story;

impl Story<'_> {
    /// Notes the alt text of a drawing (`wp:docPr/@descr`) or VML shape (`v:shape/@alt`): it
    /// belongs to the picture the drawing or shape shows next.
    pub(super) fn describe(&mut self, e: &BytesStart, local: &str) {
        let name = if local == "docPr" { "descr" } else { "alt" };
        // One line per description: line breaks inside one are spaces.
        self.description = attr(e, name)
            .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|d| !d.is_empty());
    }

    /// Resolves a picture reference to an image index.
    pub(super) fn image(&mut self, e: &BytesStart, local: &str) -> Option<usize> {
        let i = self.image_index(e, local);
        if let Some(d) = self.description.take() {
            if let Some(i) = i {
                let all = self.images.descriptions.entry(i).or_default();
                if !all.lines().any(|l| l == d) {
                    if !all.is_empty() {
                        all.push('\n');
                    }
                    all.push_str(&d);
                }
            }
        }
        i
    }

    fn image_index(&mut self, e: &BytesStart, local: &str) -> Option<usize> {
        let (rid, linked) = if local == "blip" {
            match rel_attr(e, "embed") {
                Some(r) if !r.is_empty() => (r, false),
                _ => (rel_attr(e, "link")?, true),
            }
        } else {
            (rel_attr(e, "id").or_else(|| attr(e, "relid"))?, false)
        };
        let Some(rel) = self.rels.get(&rid) else {
            self.warnings.push(format!(
                "picture refers to relationship {rid}, which is missing"
            ));
            return None;
        };
        if linked || rel.external {
            self.warnings.push(format!(
                "picture linked to an external file, not embedded: {}",
                rel.target
            ));
            return None;
        }
        let target = rel.target.clone();
        let i = self.images.register(&target);
        if i.is_none() {
            self.warnings
                .push(format!("picture part {target} is missing from the package"));
        }
        i
    }

    /// Notes an embedded object whose content is not read (only its preview picture is).
    pub(super) fn unread_object(&mut self, e: &BytesStart, local: &str) {
        let rid = if local == "relIds" {
            rel_attr(e, "dm")
        } else {
            rel_attr(e, "id")
        };
        let Some(rel) = rid.and_then(|r| self.rels.get(&r)) else {
            return;
        };
        let what = match local {
            "OLEObject" => "an embedded object",
            "chart" => "a chart",
            _ => "a SmartArt diagram",
        };
        self.warnings.push(format!(
            "{what} ({}) was not read; only its picture, if any, is kept",
            rel.target
        ));
    }
}
