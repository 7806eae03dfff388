//! The issuing office and the report year, from the title in its printed shapes:
//! `威海市文登区天福街道办事处2023年政府信息公开工作年度报告` on one line, office and year on two
//! lines, year first (`2023年度` then the office), `二〇二三年`; then from the closing lines (the
//! office name above the date), then from the page furniture.

use std::sync::LazyLock;

use regex::Regex;

use super::dates;
use super::text::{compact, furniture_lines};
use crate::model::{Document, Paragraph};

static YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([0-9]{4}|[〇○零O一二三四五六七八九]{4})年度?").expect("valid regex")
});

/// Compiles the pattern now rather than at the first report (see [`super::compile_patterns`]).
pub(super) fn compile_patterns() {
    LazyLock::force(&YEAR);
}

/// Where the office name ends in a title.
const TITLE_WORDS: [&str; 6] = [
    "政府信息公开",
    "政务公开",
    "信息公开",
    "工作年度报告",
    "年度报告",
    "工作报告",
];

/// Cleans an office name: no 关于, no 《》 or quotes, no trailing 的, no punctuation.
fn clean_office(s: &str) -> Option<String> {
    let mut s: String = s
        .chars()
        .filter(|c| !matches!(c, '《' | '》' | '“' | '”' | '"' | '〈' | '〉'))
        .collect();
    loop {
        let before = s.len();
        for p in ["关于", "("] {
            if let Some(x) = s.strip_prefix(p) {
                s = x.to_string();
            }
        }
        for p in ["关于", "的", "(", "-", ":", "：", "、", ",", "，"] {
            if let Some(x) = s.strip_suffix(p) {
                s = x.to_string();
            }
        }
        if s.len() == before {
            break;
        }
    }
    let n = s.chars().count();
    ((2..=40).contains(&n) && !s.contains('。')).then_some(s)
}

/// Office and year from one compacted title text.
pub fn parse_title(t: &str) -> (Option<String>, Option<i32>) {
    let t: String = t
        .chars()
        .filter(|c| !matches!(c, '《' | '》' | '“' | '”'))
        .collect();
    let cut = |s: &str| -> String {
        let end = TITLE_WORDS
            .iter()
            .filter_map(|w| s.find(w))
            .min()
            .unwrap_or(s.len());
        s[..end].to_string()
    };
    let year_m = YEAR
        .captures_iter(&t)
        .find_map(|c| dates::parse_year(&c[1]).map(|y| (c.get(0).expect("m"), y)));
    match year_m {
        Some((m, y)) => {
            let before = clean_office(&cut(&t[..m.start()]));
            let office = before.or_else(|| clean_office(&cut(&t[m.end()..])));
            (office, Some(y))
        }
        None => (clean_office(&cut(&t)), None),
    }
}

fn is_heading(line: &str) -> bool {
    super::sections::heading_of(&Paragraph {
        text: line.to_string(),
        ..Default::default()
    })
    .is_some()
}

/// Office and year from the title lines at the top of the body.
fn from_title(lines: &[String]) -> (Option<String>, Option<i32>) {
    let top: Vec<String> = lines
        .iter()
        .map(|l| compact(l))
        .filter(|l| !l.is_empty())
        .take_while(|l| !is_heading(l))
        .take(6)
        .collect();
    let Some(k) = top
        .iter()
        .position(|l| l.contains("报告") && l.chars().count() <= 60)
    else {
        return (None, None);
    };
    // short lines right above the report line belong to the title
    let mut start = k;
    while start > 0 && k - start < 2 {
        let l = &top[start - 1];
        let year_only = YEAR
            .find(l)
            .is_some_and(|m| m.start() == 0 && m.end() == l.len());
        if l.chars().count() > 30
            || l.contains('。')
            || l.starts_with("附件")
            || (l.chars().any(|c| c.is_ascii_digit()) && !year_only)
        {
            break;
        }
        start -= 1;
    }
    let (mut office, year) = parse_title(&top[start..=k].concat());
    if office.is_none() {
        // the office printed under the title
        office = top
            .get(k + 1)
            .filter(|l| !l.chars().any(|c| c.is_ascii_digit()) && !l.contains('。'))
            .and_then(|l| clean_office(l));
    }
    (office, year)
}

/// The office name above the closing date.
fn from_closing(lines: &[String]) -> Option<String> {
    // The date is looked for in the last six lines, the office also on the line above them.
    let mut tail: Vec<String> = lines
        .iter()
        .rev()
        .map(|l| compact(l))
        .filter(|l| !l.is_empty())
        .take(7)
        .collect();
    tail.reverse();
    let n = tail.len();
    for i in (n.saturating_sub(6)..n).rev() {
        let l = &tail[i];
        if l.chars().count() <= 24 && !dates::find_dates(l).is_empty() {
            // the office may share the line with the date
            let before = &l[..dates::find_dates(l)[0].0];
            if let Some(o) = clean_office(before) {
                return Some(o);
            }
            let prev = i.checked_sub(1).map(|j| &tail[j])?;
            if prev.chars().count() <= 30
                && !prev.contains('。')
                && !prev.chars().any(|c| c.is_ascii_digit())
            {
                return clean_office(prev);
            }
            return None;
        }
    }
    None
}

/// Office and report year.
pub fn office_and_year(doc: &Document, lines: &[String]) -> (Option<String>, Option<i32>) {
    let (mut office, mut year) = from_title(lines);
    if office.is_none() {
        office = from_closing(lines);
    }
    let furniture = furniture_lines(doc);
    if office.is_none() || year.is_none() {
        for l in furniture.iter().map(|l| compact(l)) {
            if !(l.contains("报告") || l.contains("信息公开")) {
                continue;
            }
            let (o, y) = parse_title(&l);
            office = office.or(o);
            year = year.or(y);
        }
    }
    if office.is_none() {
        // a web page's index-number table names its publisher (only used when the report doesn't)
        office = furniture.iter().find_map(|l| {
            let t = compact(l);
            ["发布机构", "发文机关"].iter().find_map(|label| {
                t.strip_prefix(label)
                    .map(|v| v.trim_start_matches([':', '：']))
                    .and_then(clean_office)
            })
        });
    }
    if year.is_none() {
        year = dates::statistical_period(lines, None)
            .map(|(a, _)| a.year)
            .or_else(|| dates::publish_date(lines).map(|d| d.year - 1));
    }
    (office, year)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognise::testutil::{lines_doc, para, SEED};

    fn run(text: &str) -> (Option<String>, Option<i32>) {
        let d = lines_doc(text);
        let lines = super::super::text::body_lines(&d);
        office_and_year(&d, &lines)
    }

    fn some(o: &str, y: i32) -> (Option<String>, Option<i32>) {
        (Some(o.to_string()), Some(y))
    }

    #[test]
    fn seed() {
        assert_eq!(run(SEED), some("威海市文登区天福街道办事处", 2023));
    }

    #[test]
    fn title_shapes() {
        for (text, office, year) in [
            (
                "威海市文登区天福街道办事处2023年政府信息公开工作年度报告\n一、总体情况",
                "威海市文登区天福街道办事处",
                2023,
            ),
            (
                "威海市文登区天福街道办事处\n2023年政府信息公开工作年度报告\n正文。",
                "威海市文登区天福街道办事处",
                2023,
            ),
            (
                "2023年度\n某某市生态环境局政府信息公开工作年度报告",
                "某某市生态环境局",
                2023,
            ),
            (
                "2023年度某某县人民政府政府信息公开工作年度报告",
                "某某县人民政府",
                2023,
            ),
            (
                "某某县人民政府二〇二三年政府信息公开工作年度报告",
                "某某县人民政府",
                2023,
            ),
            (
                "某某区人民政府办公室2022年度政府信息公开工作年度报告",
                "某某区人民政府办公室",
                2022,
            ),
            (
                "关于《某某镇人民政府2021年政府信息公开工作年度报告》的",
                "某某镇人民政府",
                2021,
            ),
            (
                "某某市财政局关于2023年政府信息公开工作年度报告",
                "某某市财政局",
                2023,
            ),
            (
                "2023年政府信息公开工作年度报告\n某某市统计局\n一、总体情况",
                "某某市统计局",
                2023,
            ),
            (
                "某 某 局\n2 0 2 3 年政府信息公开工作年度报告",
                "某某局",
                2023,
            ),
            (
                "文政发〔2024〕1号\n某某局2023年政府信息公开工作年度报告",
                "某某局",
                2023,
            ),
            (
                "某某街道办事处政府信息公开工作2023年度报告",
                "某某街道办事处",
                2023,
            ),
        ] {
            assert_eq!(run(text), some(office, year), "{text}");
        }
    }

    #[test]
    fn fallbacks() {
        // no office in the title: the closing lines
        assert_eq!(
            run("政府信息公开工作年度报告\n本报告统计期限自2023年1月1日起至2023年12月31日止。\n一、总体情况\n正文。\n某某市水务局\n2024年1月20日"),
            some("某某市水务局", 2023)
        );
        // nothing but the date: the year before
        assert_eq!(run("正文。\n2024年1月20日"), (None, Some(2023)));
        // furniture
        let mut d = lines_doc("正文。");
        d.furniture = vec![para("某某街道办事处2023年政府信息公开工作年度报告")];
        let lines = super::super::text::body_lines(&d);
        assert_eq!(office_and_year(&d, &lines), some("某某街道办事处", 2023));
    }
}
