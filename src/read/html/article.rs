//! Finding the report inside a site's page by what the page contains, not by a CMS's class names.
//!
//! Every visible text counts for the element holding it: ordinary text adds its length, link
//! text (navigation, breadcrumbs, share bars, related-article lists) subtracts its length, and a
//! short line marking a site footer (ICP number, 版权所有, 主办单位 …) subtracts more. The article
//! is the element whose subtree scores highest: climbing from it to the page adds navigation and
//! footers, which cost more than they bring. Inside it, blocks that score below zero and are
//! links or footer lines are left out too. The title is found by the page's `<title>` (or its
//! `ArticleTitle` meta) and put first when it sits outside the article. The index-number table
//! (索引号, 发布机构, 成文日期 …) is found by its labels and kept apart as page metadata.

use std::collections::{HashMap, HashSet};

use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use scraper::{Html, Node};

/// Elements that never hold the report: scripts, styles, form controls, embedded objects, and the
/// HTML elements made for navigation and asides.
const NEVER_CONTENT: [&str; 17] = [
    "head", "script", "style", "noscript", "template", "iframe", "object", "embed", "select",
    "option", "button", "input", "textarea", "svg", "canvas", "nav", "aside",
];

/// Short lines a site prints around an article, never a report's text: its footer and copyright
/// notice, and the page's tools (date and source bar, print, share, font size, QR code).
const SITE_LINES: [&str; 25] = [
    "ICP备",
    "ICP证",
    "公网安备",
    "网站标识码",
    "版权所有",
    "版权",
    "免责声明",
    "Copyright",
    "©",
    "主办单位",
    "承办单位",
    "技术支持",
    "网站地图",
    "联系我们",
    "发布时间",
    "来源：",
    "浏览次数",
    "阅读次数",
    "访问次数",
    "打印",
    "关闭窗口",
    "分享到",
    "字体：",
    "扫一扫",
    "【大】",
];

/// Labels of the index-number table government sites print above an article.
const METADATA_LABELS: [&str; 16] = [
    "索引号",
    "发布机构",
    "发文机关",
    "成文日期",
    "发文日期",
    "发布日期",
    "生成日期",
    "主题分类",
    "发文字号",
    "文号",
    "公开方式",
    "公开范围",
    "信息来源",
    "有效性",
    "体裁分类",
    "主题词",
];

/// What one element's subtree holds.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    /// Visible characters outside links (whitespace not counted).
    pub text: i64,
    /// Visible characters inside links.
    pub links: i64,
    /// The article score: text minus links minus footer lines.
    pub weight: i64,
    /// Whether a site line ([`SITE_LINES`]) is inside.
    pub site_line: bool,
    /// Position in document order.
    pub order: usize,
}

impl Stats {
    fn add(&mut self, o: &Stats) {
        self.text += o.text;
        self.links += o.links;
        self.weight += o.weight;
        self.site_line |= o.site_line;
    }
}

/// The page as analysed: where the article is and what is left out.
pub struct Page<'a> {
    pub stats: HashMap<NodeId, Stats>,
    /// Roots of subtrees that are never read: hidden, scripts and the like, site chrome inside the
    /// article, the metadata table.
    pub skipped: HashSet<NodeId>,
    pub container: NodeRef<'a, Node>,
    /// The title's text when it sits before the article, outside it.
    pub title_outside: Option<String>,
    /// `label：value` pairs of the index-number table.
    pub metadata: Vec<(String, String)>,
    pub notes: Vec<String>,
}

/// Non-whitespace characters of a text.
fn visible_len(s: &str) -> i64 {
    s.chars().filter(|c| !c.is_whitespace()).count() as i64
}

/// A line of the site rather than of the article: a short line of [`SITE_LINES`], or any line
/// in which the site speaks of itself (本站: copyright and disclaimer notices).
fn is_site_line(s: &str) -> bool {
    let n = visible_len(s);
    (n <= 80 && !s.contains('。') && SITE_LINES.iter().any(|m| s.contains(m))) || s.contains("本站")
}

/// Classes that the page's own `<style>` hides (`.x{display:none}`), as a browser would.
fn hidden_classes(html: &Html) -> HashSet<String> {
    let mut out = HashSet::new();
    for node in html.tree.root().descendants() {
        let Some(e) = node.value().as_element() else {
            continue;
        };
        if e.name() != "style" {
            continue;
        }
        let css: String = node
            .children()
            .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
            .collect();
        for (selectors, body) in top_level_rules(&css) {
            let body: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            if !body.to_ascii_lowercase().contains("display:none") {
                continue;
            }
            for sel in selectors.split(',') {
                let sel = sel.trim();
                if let Some(class) = sel.strip_prefix('.') {
                    if !class.is_empty()
                        && class
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                    {
                        out.insert(class.to_string());
                    }
                }
            }
        }
    }
    out
}

/// `(selectors, declarations)` of a style sheet's top-level rules; at-rules (`@media print` …)
/// apply only sometimes and are passed over.
fn top_level_rules(css: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let (mut depth, mut start, mut body_start, mut at_rule) = (0usize, 0usize, 0usize, false);
    for (i, c) in css.char_indices() {
        match c {
            '{' => {
                if depth == 0 {
                    // `@charset "UTF-8";` and the like end with `;` before a rule's selectors
                    let selectors = css[start..i].rsplit(';').next().unwrap_or("");
                    at_rule = selectors.trim_start().starts_with('@');
                    start = i - selectors.len();
                    body_start = i + 1;
                }
                depth += 1;
            }
            '}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    if !at_rule {
                        out.push((&css[start..body_start - 1], &css[body_start..i]));
                    }
                    start = i + 1;
                }
            }
            _ => {}
        }
    }
    out
}

/// Hidden by the `hidden` attribute, by its own style, or by a class the page's style sheet
/// hides — unless its own style shows it (an inline `display` wins over a class rule).
fn is_hidden(e: &scraper::node::Element, hidden: &HashSet<String>) -> bool {
    if e.attr("hidden").is_some() {
        return true;
    }
    let style: String = e
        .attr("style")
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    if style.contains("display:none") || style.contains("visibility:hidden") {
        return true;
    }
    !style.contains("display:") && e.classes().any(|c| hidden.contains(c))
}

/// A short description of an element for `inspect`: `div#zoom.TRS_Editor`.
pub fn describe(node: NodeRef<'_, Node>) -> String {
    let Some(e) = node.value().as_element() else {
        return "the page".into();
    };
    let mut s = e.name().to_string();
    if let Some(id) = e.id() {
        s.push('#');
        s.push_str(id);
    }
    for c in e.classes().take(2) {
        s.push('.');
        s.push_str(c);
    }
    s
}

/// The compacted text of a subtree (whitespace removed), skipping skipped subtrees.
fn compact_text(node: NodeRef<'_, Node>, skipped: &HashSet<NodeId>, cap: usize) -> String {
    let mut out = String::new();
    let mut skip = 0usize;
    for edge in node.traverse() {
        match edge {
            Edge::Open(n) => {
                if skip > 0 || skipped.contains(&n.id()) {
                    skip += usize::from(n.value().is_element());
                    continue;
                }
                if let Some(t) = n.value().as_text() {
                    out.extend(t.chars().filter(|c| !c.is_whitespace()));
                    if out.len() > cap {
                        break;
                    }
                }
            }
            Edge::Close(n) => {
                if skip > 0 && n.value().is_element() {
                    skip -= 1;
                }
            }
        }
    }
    out
}

impl<'a> Page<'a> {
    pub fn analyse(html: &'a Html) -> Page<'a> {
        let hidden = hidden_classes(html);
        let mut stats: HashMap<NodeId, Stats> = HashMap::new();
        let mut skipped: HashSet<NodeId> = HashSet::new();
        let mut stack: Vec<Stats> = Vec::new();
        let (mut skip, mut in_link, mut order) = (0usize, 0usize, 0usize);
        let mut label_texts: Vec<NodeId> = Vec::new();
        let mut hidden_count = 0;
        for edge in html.tree.root().traverse() {
            match edge {
                Edge::Open(n) => match n.value() {
                    Node::Element(e) => {
                        if skip > 0 {
                            skip += 1;
                            continue;
                        }
                        let never = NEVER_CONTENT.contains(&e.name());
                        if never || is_hidden(e, &hidden) {
                            hidden_count += usize::from(!never);
                            skipped.insert(n.id());
                            skip = 1;
                            continue;
                        }
                        in_link += usize::from(e.name() == "a");
                        order += 1;
                        stack.push(Stats {
                            order,
                            ..Stats::default()
                        });
                    }
                    Node::Text(t) if skip == 0 => {
                        let len = visible_len(t);
                        let Some(top) = stack.last_mut() else {
                            continue;
                        };
                        if len == 0 {
                            continue;
                        }
                        if in_link > 0 {
                            top.links += len;
                            top.weight -= len;
                        } else if is_site_line(t) {
                            top.text += len;
                            top.weight -= 2 * len + 40;
                            top.site_line = true;
                        } else {
                            top.text += len;
                            top.weight += len;
                        }
                        let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
                        if ["索引号", "发布机构", "成文日期", "发文机关"]
                            .iter()
                            .any(|l| compact.contains(l))
                        {
                            label_texts.push(n.id());
                        }
                    }
                    _ => {}
                },
                Edge::Close(n) => {
                    let Node::Element(e) = n.value() else {
                        continue;
                    };
                    if skip > 0 {
                        skip -= 1;
                        continue;
                    }
                    in_link -= usize::from(e.name() == "a");
                    let s = stack.pop().unwrap_or_default();
                    if let Some(parent) = stack.last_mut() {
                        parent.add(&s);
                    }
                    stats.insert(n.id(), s);
                }
            }
        }

        let mut notes = Vec::new();
        if hidden_count > 0 {
            notes.push(format!(
                "{hidden_count} hidden elements (display:none, hidden) left out"
            ));
        }

        // The metadata table: from a text naming one of its labels, the ancestor (up to 8
        // levels, at most 600 characters) that holds the most labels.
        let mut metadata = Vec::new();
        for first in label_texts.iter().filter_map(|id| html.tree.get(*id)) {
            let mut best: Option<(usize, NodeRef<'_, Node>)> = None;
            for a in first.ancestors().take(8) {
                let text = compact_text(a, &skipped, 2400);
                if text.chars().count() > 600 {
                    break;
                }
                let labels = METADATA_LABELS.iter().filter(|l| text.contains(*l)).count();
                if labels >= 2 && best.is_none_or(|(n, _)| labels > n) {
                    best = Some((labels, a));
                }
            }
            if let Some((_, m)) = best {
                // a table's body is its table
                let m = match m.value().as_element().map(|e| e.name()) {
                    Some("tbody" | "thead" | "tfoot") => m.parent().unwrap_or(m),
                    _ => m,
                };
                metadata = metadata_pairs(m, &skipped);
                notes.push(format!(
                    "page metadata in {} ({}): kept apart, used only where the report gives none",
                    describe(m),
                    metadata
                        .iter()
                        .map(|(k, v)| format!("{k}：{v}"))
                        .collect::<Vec<_>>()
                        .join("; ")
                ));
                skipped.insert(m.id());
                // its counts leave the ancestors
                if let Some(ms) = stats.get(&m.id()).copied() {
                    for a in m.ancestors() {
                        if let Some(s) = stats.get_mut(&a.id()) {
                            s.text -= ms.text;
                            s.links -= ms.links;
                            s.weight -= ms.weight;
                        }
                    }
                }
                break;
            }
        }

        // The article: the element of highest weight (the outermost one on a tie: what an outer
        // element adds without changing the weight holds no text, only pictures and space).
        let root = html.tree.root();
        let mut container = root;
        let mut best = i64::MIN;
        for n in root.descendants() {
            if let Some(s) = stats.get(&n.id()) {
                if s.weight > best && !skipped.contains(&n.id()) {
                    best = s.weight;
                    container = n;
                }
            }
        }
        for a in container.ancestors() {
            if a.value().as_element().is_some_and(|e| e.name() == "table") {
                notes.push(format!(
                    "layout table {} around the article: not a report table",
                    describe(a)
                ));
            }
        }
        let total = stats
            .get(&html.root_element().id())
            .copied()
            .unwrap_or_default();
        let kept = stats.get(&container.id()).copied().unwrap_or_default();
        notes.push(format!(
            "article in {} ({} of the page's {} characters outside links; {} characters of links \
             and site footer around it left out)",
            describe(container),
            kept.text,
            total.text,
            (total.links - kept.links) + (total.text - kept.text)
        ));

        // Chrome inside the article: blocks that score below zero and are links or footer lines.
        let mut chrome = 0;
        for n in container.descendants().skip(1) {
            let Some(e) = n.value().as_element() else {
                continue;
            };
            if matches!(
                e.name(),
                "a" | "span" | "font" | "b" | "strong" | "em" | "i" | "u" | "p"
            ) || e.name().starts_with('h') && e.name().len() == 2
            {
                continue;
            }
            let Some(s) = stats.get(&n.id()) else {
                continue;
            };
            if s.weight < -10
                && (s.links > s.text || s.site_line)
                && !n.ancestors().any(|a| skipped.contains(&a.id()))
            {
                skipped.insert(n.id());
                chrome += 1;
            }
        }
        if chrome > 0 {
            notes.push(format!(
                "{chrome} blocks of links or site footer inside the article left out"
            ));
        }

        let mut page = Page {
            stats,
            skipped,
            container,
            title_outside: None,
            metadata,
            notes,
        };
        page.title_outside = page.find_title(html);
        page
    }

    pub fn is_skipped(&self, id: NodeId) -> bool {
        self.skipped.contains(&id)
    }

    /// The title's text when the page prints it before the article, outside it (and the
    /// article does not open with it).
    fn find_title(&mut self, html: &'a Html) -> Option<String> {
        let mut wanted: Vec<String> = Vec::new();
        for n in html.tree.root().descendants() {
            let Some(e) = n.value().as_element() else {
                continue;
            };
            let text = match e.name() {
                "title" => n
                    .children()
                    .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                    .collect::<String>(),
                "meta"
                    if matches!(
                        e.attr("name")
                            .or(e.attr("property"))
                            .map(str::to_ascii_lowercase)
                            .as_deref(),
                        Some("articletitle" | "og:title")
                    ) =>
                {
                    e.attr("content").unwrap_or("").to_string()
                }
                _ => continue,
            };
            let mut text = text;
            for sep in ["_", "|", "｜", " - ", "——", " — "] {
                text = text.replace(sep, "\u{1}");
            }
            for part in text.split('\u{1}') {
                let c: String = part.chars().filter(|c| !c.is_whitespace()).collect();
                if c.chars().count() >= 4 {
                    wanted.push(c);
                }
            }
        }
        let container_order = self.stats.get(&self.container.id())?.order;
        let mut found: Option<NodeRef<'a, Node>> = None;
        let mut first_h1: Option<NodeRef<'a, Node>> = None;
        for n in html.tree.root().descendants() {
            let Some(e) = n.value().as_element() else {
                continue;
            };
            let Some(s) = self.stats.get(&n.id()) else {
                continue;
            };
            if s.order >= container_order || !(4..=120).contains(&s.text) {
                continue;
            }
            if n.ancestors().any(|a| self.skipped.contains(&a.id()))
                || self.skipped.contains(&n.id())
            {
                continue;
            }
            if e.name() == "h1" && first_h1.is_none() {
                first_h1 = Some(n);
            }
            let text = compact_text(n, &self.skipped, 600);
            let len = text.chars().count();
            let matches = wanted.iter().any(|w| {
                let wl = w.chars().count();
                *w == text
                    || (w.contains(&text) && len * 10 >= wl * 7)
                    || (text.contains(w.as_str()) && wl * 10 >= len * 7)
            });
            if matches {
                // an inner element of the first match is a better one; a later unrelated one is not
                match found {
                    Some(f) if !n.ancestors().any(|a| a.id() == f.id()) => break,
                    _ => found = Some(n),
                }
            }
        }
        let title = found.or(first_h1)?;
        if title.ancestors().any(|a| a.id() == self.container.id()) {
            return None;
        }
        let text = compact_text(title, &self.skipped, 600);
        let opening = compact_text(self.container, &self.skipped, text.len() * 3 + 64);
        if opening.contains(&text) {
            return None;
        }
        self.notes.push(format!(
            "title taken from {} before the article",
            describe(title)
        ));
        let printed: String = title
            .descendants()
            .filter_map(|d| d.value().as_text().map(|t| t.to_string()))
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        Some(printed)
    }
}

/// `label：value` pairs of the metadata block: its cells (or list items, or lines) in order; a
/// label's value is the rest of its cell, or the next cell when the label stands alone.
fn metadata_pairs(m: NodeRef<'_, Node>, skipped: &HashSet<NodeId>) -> Vec<(String, String)> {
    let mut cells: Vec<String> = vec![String::new()];
    let mut skip = 0usize;
    for edge in m.traverse() {
        match edge {
            Edge::Open(n) => {
                if skip > 0 || skipped.contains(&n.id()) && n.id() != m.id() {
                    skip += usize::from(n.value().is_element());
                    continue;
                }
                match n.value() {
                    Node::Element(e)
                        if matches!(
                            e.name(),
                            "td" | "th"
                                | "li"
                                | "dt"
                                | "dd"
                                | "p"
                                | "div"
                                | "br"
                                | "tr"
                                | "span"
                                | "label"
                        ) =>
                    {
                        cells.push(String::new())
                    }
                    Node::Text(t) => {
                        if let Some(last) = cells.last_mut() {
                            last.extend(t.chars().filter(|c| !c.is_whitespace()));
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(n) => {
                if skip > 0 && n.value().is_element() {
                    skip -= 1;
                } else if n.value().is_element() {
                    cells.push(String::new());
                }
            }
        }
    }
    let cells: Vec<String> = cells.into_iter().filter(|c| !c.is_empty()).collect();
    let label_of = |c: &str| -> Option<(String, String)> {
        let l = METADATA_LABELS.iter().find(|l| c.starts_with(*l))?;
        let rest = c[l.len()..].trim_start_matches([':', '：']);
        Some((l.to_string(), rest.to_string()))
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < cells.len() {
        if let Some((label, rest)) = label_of(&cells[i]) {
            if rest.is_empty() {
                // the next cell, unless it is a label itself (`办文部门：`, any text ending in a colon)
                if let Some(next) = cells
                    .get(i + 1)
                    .filter(|c| label_of(c).is_none() && !c.ends_with([':', '：']))
                {
                    out.push((label, next.clone()));
                    i += 2;
                    continue;
                }
            } else {
                out.push((label, rest));
            }
        }
        i += 1;
    }
    out
}
