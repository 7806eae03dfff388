//! `index.html`: every file of the batch in one table (sortable and filterable by the page
//! script, readable without it), under charts of the whole batch.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::charts::{hbars, Bar};
use super::html::{esc, page as html_page};
use super::layout::check_label;
use super::{Offices, ReportView};
use crate::write::format_number;

/// Outcomes of 表三 as the chart stacks them: (series label, metric row prefixes).
const OUTCOMES: [(&str, &[&str]); 6] = [
    ("予以公开", &["granted"]),
    ("部分公开", &["partial"]),
    ("不予公开", &["denied."]),
    ("无法提供", &["unavailable."]),
    ("不予处理", &["unprocessed."]),
    ("其他处理", &["other"]),
];

/// How many office-years the requests chart shows (the ones with most requests).
const MOST_REQUESTS: usize = 30;

/// 表三 outcome totals of one report, by [`OUTCOMES`] series.
fn outcomes(v: &ReportView<'_>) -> Vec<(usize, f64)> {
    OUTCOMES
        .iter()
        .enumerate()
        .map(|(i, (_, rows))| {
            let sum: f64 = v
                .figures
                .iter()
                .filter(|(m, _)| {
                    m.strip_prefix("t3.").is_some_and(|rest| {
                        rest.ends_with(".total")
                            && rows.iter().any(|r| {
                                rest.starts_with(r)
                                    && (r.ends_with('.') || rest[r.len()..].starts_with('.'))
                            })
                    })
                })
                .filter_map(|(_, f)| f.value())
                .sum();
            (i, sum)
        })
        .collect()
}

fn year_label(year: &str) -> String {
    if year.is_empty() {
        "年度不明".to_string()
    } else {
        format!("{year}年")
    }
}

fn series() -> Vec<&'static str> {
    OUTCOMES.iter().map(|(s, _)| *s).collect()
}

fn charts(views: &[ReportView<'_>]) -> String {
    let mut out = String::from("<section id=\"charts\"><h2>全批概览</h2><div class=\"charts\">");
    let reports: Vec<&ReportView<'_>> = views
        .iter()
        .filter(|v| v.field("kind") == "annual_report")
        .collect();

    // requests received and their outcomes, per office and year
    let mut with_requests: Vec<(&ReportView<'_>, f64)> = reports
        .iter()
        .filter_map(|v| v.value("t3.new.total").map(|n| (*v, n)))
        .collect();
    with_requests.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.source.cmp(b.0.source)));
    let shown = with_requests.len().min(MOST_REQUESTS);
    let bars: Vec<Bar> = with_requests[..shown]
        .iter()
        .map(|(v, received)| Bar {
            label: format!("{} {}", v.field("office"), v.field("year")),
            segments: outcomes(v),
            note: format!("收到 {}", format_number(*received)),
            href: Some(v.page.clone()),
        })
        .collect();
    let title = if with_requests.len() > shown {
        format!(
            "各机关各年度收到的申请及办理结果（申请最多的 {shown} 个，共 {} 个）",
            with_requests.len()
        )
    } else {
        "各机关各年度收到的申请及办理结果".to_string()
    };
    out.push_str(&hbars("requests", &title, &series(), &bars));

    // the same, summed per year
    let mut by_year: BTreeMap<String, (f64, Vec<f64>, usize)> = BTreeMap::new();
    for (v, received) in &with_requests {
        let e = by_year.entry(v.field("year").to_string()).or_insert((
            0.0,
            vec![0.0; OUTCOMES.len()],
            0,
        ));
        e.0 += received;
        for (i, x) in outcomes(v) {
            e.1[i] += x;
        }
        e.2 += 1;
    }
    let bars: Vec<Bar> = by_year
        .iter()
        .map(|(year, (received, outs, n))| Bar {
            label: format!("{}（{n} 份报告）", year_label(year)),
            segments: outs.iter().copied().enumerate().collect(),
            note: format!("收到 {}", format_number(*received)),
            href: None,
        })
        .collect();
    out.push_str(&hbars(
        "requests-by-year",
        "各年度合计：收到的申请及办理结果",
        &series(),
        &bars,
    ));

    // share of reports with failed checks, per year and overall
    let mut share: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for v in &reports {
        let failed = v.failed_checks().next().is_some();
        for key in [year_label(v.field("year")), "全部".to_string()] {
            let e = share.entry(key).or_default();
            e.0 += usize::from(failed);
            e.1 += 1;
        }
    }
    let bars: Vec<Bar> = share
        .iter()
        .map(|(label, (failed, n))| Bar {
            label: label.clone(),
            segments: vec![(0, *failed as f64), (1, (n - failed) as f64)],
            note: format!("{:.0}%（{failed}/{n}）", 100.0 * *failed as f64 / *n as f64),
            href: None,
        })
        .collect();
    out.push_str(&hbars(
        "failed-share",
        "有校验未通过的报告所占比例",
        &["有未通过的校验", "全部通过或不确定"],
        &bars,
    ));

    // which checks fail most (reports failing each)
    let mut failing: BTreeMap<&str, usize> = BTreeMap::new();
    for v in views {
        let mut ids: Vec<&str> = v
            .rows
            .checks
            .iter()
            .filter(|c| c[5] == "fail")
            .map(|c| c[3].as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            *failing.entry(id).or_default() += 1;
        }
    }
    let mut failing: Vec<(&str, usize)> = failing.into_iter().collect();
    failing.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let bars: Vec<Bar> = failing
        .iter()
        .take(12)
        .map(|(id, n)| Bar {
            label: check_label(id),
            segments: vec![(0, *n as f64)],
            note: format!("{n} 份 · {id}"),
            href: None,
        })
        .collect();
    if bars.is_empty() {
        out.push_str("<figure class=\"chart\" id=\"chart-failing-checks\"><figcaption>未通过最多的校验</figcaption><p>没有未通过的校验。</p></figure>");
    } else {
        out.push_str(&hbars(
            "failing-checks",
            "未通过最多的校验（报告数）",
            &["报告数"],
            &bars,
        ));
    }

    // formats and statuses
    for (id, title, field) in [
        ("formats", "文件格式", "format"),
        ("statuses", "读取状态", "status"),
        ("table-formats", "表格格式", "table_format"),
    ] {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for v in views {
            *counts.entry(v.field(field)).or_default() += 1;
        }
        let bars: Vec<Bar> = counts
            .iter()
            .map(|(k, n)| Bar {
                label: if k.is_empty() {
                    "（无）".to_string()
                } else {
                    k.to_string()
                },
                segments: vec![(0, *n as f64)],
                note: n.to_string(),
                href: None,
            })
            .collect();
        out.push_str(&hbars(id, title, &["文件数"], &bars));
    }
    out.push_str("</div></section>");
    out
}

const COLUMNS: [(&str, &str); 10] = [
    ("机关", "text"),
    ("地区", "text"),
    ("年度", "number"),
    ("格式", "text"),
    ("状态", "text"),
    ("数据项", "number"),
    ("未通过校验", "number"),
    ("警告", "number"),
    ("表格格式", "text"),
    ("来源文件", "text"),
];

fn table(views: &[ReportView<'_>], offices: &Offices) -> String {
    let mut out = String::with_capacity(views.len() * 600 + 2000);
    let _ = write!(
        out,
        "<section id=\"reports\"><h2>全部文件（{}）</h2>\
         <div class=\"filters\" id=\"filters\" hidden>\
         <input type=\"search\" id=\"filter\" placeholder=\"筛选：机关、地区、年度、文件名…\" aria-label=\"筛选\">\
         <select id=\"status-filter\" aria-label=\"状态\"><option value=\"\">全部状态</option>\
         <option value=\"ok\">完整</option><option value=\"partial\">部分读出</option>\
         <option value=\"failed\">读取失败</option></select>\
         <label><input type=\"checkbox\" id=\"failed-only\"> 只看有未通过校验的</label>\
         <span id=\"shown\"></span></div>\
         <div class=\"scroll\"><table id=\"report-table\" class=\"reports\"><thead><tr>",
        views.len()
    );
    for (label, kind) in COLUMNS {
        let _ = write!(out, "<th data-type=\"{kind}\">{label}</th>");
    }
    out.push_str("</tr></thead><tbody>");
    for v in views {
        let failed = v.failed_checks().count();
        let warnings = v.warnings.len();
        let region: Vec<&str> = ["province", "city", "county", "township"]
            .iter()
            .map(|c| v.field(c))
            .filter(|s| !s.is_empty())
            .collect();
        let office = match v.field("office") {
            "" => "（未识别机关）",
            o => o,
        };
        let office_link = v
            .office_page
            .as_ref()
            .map(|p| {
                format!(
                    " <a class=\"office-link\" href=\"{}\" title=\"历年对比\">历年</a>",
                    esc(p)
                )
            })
            .unwrap_or_default();
        let figures: usize = v.field("figures").parse().unwrap_or(0);
        let _ = write!(
            out,
            "<tr data-status=\"{st}\" data-failed=\"{failed}\" data-kind=\"{kind}\">\
             <td><a href=\"{page}\">{office}</a>{office_link}</td><td>{region}</td>\
             <td data-value=\"{year}\">{year}</td><td>{format}</td><td class=\"status-{st}\">{st}</td>\
             <td data-value=\"{figures}\">{figures}</td><td data-value=\"{failed}\" class=\"{fc}\">{failed}</td>\
             <td data-value=\"{warnings}\">{warnings}</td><td>{tf}</td><td class=\"code\">{source}</td></tr>",
            st = esc(v.field("status")),
            kind = esc(v.field("kind")),
            page = esc(&v.page),
            office = esc(office),
            region = esc(&region.join(" ")),
            year = esc(v.field("year")),
            format = esc(v.field("format")),
            fc = if failed > 0 { "fail" } else { "" },
            tf = esc(v.field("table_format")),
            source = esc(v.source),
        );
    }
    out.push_str("</tbody></table></div></section>");
    if !offices.pages.is_empty() {
        let _ = write!(
            out,
            "<section id=\"offices\"><h2>多年度机关（{}）</h2><ul class=\"offices\">",
            offices.pages.len()
        );
        for (name, page, years) in offices.pages.values() {
            let years: Vec<String> = years.keys().map(i32::to_string).collect();
            let _ = write!(
                out,
                "<li><a href=\"{}\">{}</a> {}</li>",
                esc(page),
                esc(name),
                esc(&years.join("、"))
            );
        }
        out.push_str("</ul></section>");
    }
    out
}

/// The HTML of `index.html`.
pub fn page(views: &[ReportView<'_>], offices: &Offices) -> String {
    let reports = views
        .iter()
        .filter(|v| v.field("kind") == "annual_report")
        .count();
    let failed = views
        .iter()
        .filter(|v| v.failed_checks().next().is_some())
        .count();
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>政府信息公开工作年度报告 · 审阅</h1><p class=\"subtitle\">{} 个文件，{reports} 份年度报告，\
         {failed} 份有未通过的校验，{} 个机关有多个年度。</p>",
        views.len(),
        offices.pages.len()
    );
    body.push_str(&charts(views));
    body.push_str(&table(views, offices));
    html_page("年度报告审阅", "index", &body)
}
