//! SmartArt: the text of a diagram's data part (`word/diagrams/data*.xml`), one string per
//! DrawingML paragraph of each content node, in data-model order.

use super::super::ReadError;
use super::xml::{attr, qname, Ev, Xml};

pub(crate) fn node_texts(
    bytes: &[u8],
    part: &str,
    max_depth: usize,
) -> Result<Vec<String>, ReadError> {
    let mut x = Xml::new(bytes, part, max_depth);
    let mut out = Vec::new();
    // Element names from the root, to know where we are.
    let mut stack: Vec<String> = Vec::new();
    let mut in_node = false;
    let mut para: Option<String> = None;
    loop {
        match x.next()? {
            Ev::Start(e) => {
                let (_, local) = qname(&e);
                match local {
                    "pt" => {
                        in_node = attr(&e, "type").is_none_or(|t| t == "node");
                    }
                    "p" if in_node => para = Some(String::new()),
                    "t" if in_node && stack.last().is_some_and(|s| s == "r") => {
                        if let Some(p) = para.as_mut() {
                            x.text_content(p)?;
                            continue;
                        }
                    }
                    _ => {}
                }
                stack.push(local.to_string());
            }
            Ev::End => match stack.pop().as_deref() {
                Some("p") => {
                    if let Some(p) = para.take() {
                        if !p.trim().is_empty() {
                            out.push(p);
                        }
                    }
                }
                Some("pt") => in_node = false,
                _ => {}
            },
            Ev::Text(_) => {}
            Ev::Eof => return Ok(out),
        }
    }
}
