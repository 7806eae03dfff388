//! Dates: the publish date (the dated line near the end) and the statistical period.
//!
//! Dates are read in every printed shape: `2024年1月22日`, `2024-01-22`, `2024.1.22`,
//! `2024/1/22`, `二〇二四年一月二十二日`, `二○二四年元月二十二日`, full-width digits, spaces inside.

use std::sync::LazyLock;

use regex::Regex;

use super::text::{compact, parse_cn_number};
use super::Date;

const Y: &str = r"([0-9〇○零O一二三四五六七八九]{4})";
const M: &str = r"([0-9]{1,2}|[元正一二三四五六七八九十]{1,3})";
const D: &str = r"([0-9]{1,2}|[一二三四五六七八九十]{1,3})";

static CN_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("{Y}年{M}月{D}日")).expect("valid regex"));
static SEP_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])([0-9]{4})([-./])([0-9]{1,2})([-./])([0-9]{1,2})(?:[^0-9]|$)")
        .expect("valid regex")
});
static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        "(?:{Y}年)?{M}月{D}日?(?:起|开始)?(?:到|至|-|~|～|—)(?:{Y}年)?{M}月{D}日"
    ))
    .expect("valid regex")
});

static PERIOD_MONTHS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        "{Y}年{M}月份?(?:起|开始)?(?:到|至|-|~|～|—)(?:{Y}年)?{M}月份?(?:止|底|末)"
    ))
    .expect("valid regex")
});

/// Compiles the patterns now rather than at the first report (see [`super::compile_patterns`]).
pub(super) fn compile_patterns() {
    for re in [&CN_DATE, &SEP_DATE, &PERIOD, &PERIOD_MONTHS] {
        LazyLock::force(re);
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// A date if the parts are in range (years 1990–2100).
pub fn make_date(year: i32, month: u32, day: u32) -> Option<Date> {
    ((1990..=2100).contains(&year)
        && (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year, month))
    .then_some(Date { year, month, day })
}

fn num(s: &str) -> Option<u32> {
    parse_cn_number(&s.replace('正', "元"))
}

/// Parses a year written in digits or Chinese numerals (`2023`, `二〇二三`).
pub fn parse_year(s: &str) -> Option<i32> {
    let y = num(s)? as i32;
    (1990..=2100).contains(&y).then_some(y)
}

/// Every date in a text, with its byte range in the compacted text.
pub fn find_dates(text: &str) -> Vec<(usize, usize, Date)> {
    let t = compact(text);
    let mut out = Vec::new();
    for c in CN_DATE.captures_iter(&t) {
        let m = c.get(0).expect("match");
        if let (Some(y), Some(mo), Some(d)) = (parse_year(&c[1]), num(&c[2]), num(&c[3])) {
            if let Some(date) = make_date(y, mo, d) {
                out.push((m.start(), m.end(), date));
            }
        }
    }
    for c in SEP_DATE.captures_iter(&t) {
        if c[2] != c[4] {
            continue;
        }
        let (s, e) = (c.get(1).expect("y").start(), c.get(5).expect("d").end());
        if let (Ok(y), Ok(mo), Ok(d)) = (c[1].parse(), c[3].parse(), c[5].parse()) {
            if let Some(date) = make_date(y, mo, d) {
                out.push((s, e, date));
            }
        }
    }
    out.sort_by_key(|x| x.0);
    out
}

/// The publish date: the last short line near the end that is (or ends with) a date; else a
/// `发布日期：…` line near the top.
pub fn publish_date(lines: &[String]) -> Option<Date> {
    closing_date(lines).or_else(|| {
        lines
            .iter()
            .filter(|l| !l.trim().is_empty())
            .take(8)
            .filter(|l| {
                let t = compact(l);
                t.contains("发布日期") || t.contains("发布时间") || t.contains("成文日期")
            })
            .find_map(|l| find_dates(l).first().map(|d| d.2))
    })
}

/// The date of a page's index-number table (`成文日期：…`, else `发布日期：…`/`发文日期：…`), which
/// a web page reader puts in the furniture: only for a report that prints no date of its own.
pub fn metadata_date(furniture: &[String]) -> Option<Date> {
    let dated = |labels: &[&str]| {
        furniture.iter().find_map(|l| {
            let t = compact(l);
            labels
                .iter()
                .any(|label| t.starts_with(label))
                .then(|| find_dates(&t).first().map(|d| d.2))
                .flatten()
        })
    };
    dated(&["成文日期"]).or_else(|| dated(&["发布日期", "发文日期", "生成日期"]))
}

fn closing_date(lines: &[String]) -> Option<Date> {
    for line in lines.iter().rev().filter(|l| !l.trim().is_empty()).take(12) {
        let t = compact(line);
        let len = t.len();
        if t.chars().count() > 40 {
            continue;
        }
        if let Some(&(_, end, date)) = find_dates(line).last() {
            // the date closes the line (a bracket or full stop may follow)
            if len - end <= 3 {
                return Some(date);
            }
        }
    }
    None
}

/// The statistical period (`2023年1月1日到12月31日`, `…起至…止`); a period without a year
/// takes `year`.
pub fn statistical_period(lines: &[String], year: Option<i32>) -> Option<(Date, Date)> {
    let mut ordered: Vec<&String> = lines.iter().filter(|l| l.contains("统计")).collect();
    ordered.extend(lines.iter().filter(|l| !l.contains("统计")));
    for line in ordered {
        let t = compact(line);
        for c in PERIOD.captures_iter(&t) {
            let y1 = c.get(1).and_then(|m| parse_year(m.as_str())).or(year);
            let Some(y1) = y1 else { continue };
            let y2 = c.get(4).and_then(|m| parse_year(m.as_str())).unwrap_or(y1);
            let start = num(&c[2])
                .zip(num(&c[3]))
                .and_then(|(m, d)| make_date(y1, m, d));
            let end = num(&c[5])
                .zip(num(&c[6]))
                .and_then(|(m, d)| make_date(y2, m, d));
            if let (Some(a), Some(b)) = (start, end) {
                if a <= b {
                    return Some((a, b));
                }
            }
        }
        // months only: `2023年1月至12月止`
        for c in PERIOD_MONTHS.captures_iter(&t) {
            let Some(y1) = parse_year(&c[1]) else {
                continue;
            };
            let y2 = c.get(3).and_then(|m| parse_year(m.as_str())).unwrap_or(y1);
            let (Some(m1), Some(m2)) = (num(&c[2]), num(&c[4])) else {
                continue;
            };
            let start = make_date(y1, m1, 1);
            let end = make_date(y2, m2, days_in_month(y2, m2));
            if let (Some(a), Some(b)) = (start, end) {
                if a <= b {
                    return Some((a, b));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognise::testutil::SEED;

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date {
            year: y,
            month: m,
            day,
        }
    }

    fn lines(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn publish_date_shapes() {
        for (text, want) in [
            ("2024年1月22日", d(2024, 1, 22)),
            ("  2024年1月22日", d(2024, 1, 22)),
            ("2024-01-22", d(2024, 1, 22)),
            ("2024.1.22", d(2024, 1, 22)),
            ("2024/1/22", d(2024, 1, 22)),
            ("二〇二四年一月二十二日", d(2024, 1, 22)),
            ("二○二四年元月二十二日", d(2024, 1, 22)),
            ("二〇二四年十二月三十一日", d(2024, 12, 31)),
            ("２０２４年１月２２日", d(2024, 1, 22)),
            ("2024 年 1 月 22 日", d(2024, 1, 22)),
            ("某某局 2024年3月5日", d(2024, 3, 5)),
            ("（2024年1月22日）", d(2024, 1, 22)),
        ] {
            let l = lines(&["正文。", "某某局", text, ""]);
            assert_eq!(publish_date(&l), Some(want), "{text}");
        }
        assert_eq!(publish_date(&lines(&["2024年2月30日"])), None);
        assert_eq!(
            publish_date(&lines(&[
                "某某局2023年年报",
                "发布日期：2024-01-25 来源：某某局",
                "正文。"
            ])),
            Some(d(2024, 1, 25))
        );
        assert_eq!(
            publish_date(&lines(&[
                "本机关于2024年1月5日召开会议，研究部署政务公开工作，会议要求各单位认真落实。"
            ])),
            None
        );
    }

    #[test]
    fn periods() {
        let y = Some(2023);
        for text in [
            "报告中所列数据统计期限从2023年1月1日到12月31日止。",
            "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。",
            "统计期限为2023年1月1日至2023年12月31日",
            "统计期限自1月1日起至12月31日止。",
            "统计期限为二〇二三年一月一日至十二月三十一日",
        ] {
            assert_eq!(
                statistical_period(&lines(&[text]), y),
                Some((d(2023, 1, 1), d(2023, 12, 31))),
                "{text}"
            );
        }
        assert_eq!(
            statistical_period(&lines(&["统计期限自1月1日起至12月31日止。"]), None),
            None
        );
        assert_eq!(
            statistical_period(&lines(&["统计期限为2024年1月至12月止。"]), None),
            Some((d(2024, 1, 1), d(2024, 12, 31)))
        );
        assert_eq!(
            statistical_period(&lines(&["数据统计时间为2024年1月-2024年2月底。"]), None),
            Some((d(2024, 1, 1), d(2024, 2, 29)))
        );
        assert_eq!(
            statistical_period(&lines(&["2022年12月1日至2022年1月1日"]), None),
            None
        );
    }

    #[test]
    fn seed_dates() {
        let l: Vec<String> = SEED.lines().map(String::from).collect();
        assert_eq!(publish_date(&l), Some(d(2024, 1, 22)));
        assert_eq!(
            statistical_period(&l, None),
            Some((d(2023, 1, 1), d(2023, 12, 31)))
        );
    }

    #[test]
    fn page_metadata_date_prefers_the_written_date() {
        let f = |v: &[&str]| metadata_date(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            f(&["发布日期：2024-02-05", "成文日期：2024-01-26"]),
            Some(d(2024, 1, 26))
        );
        assert_eq!(f(&["发布日期：2024年2月5日"]), Some(d(2024, 2, 5)));
        assert_eq!(f(&["页眉 2024-02-05"]), None);
    }
}
