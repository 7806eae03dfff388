//! The page of an office with reports for more than one year: its key figures year by year,
//! the carry-over and stock checks across years and the sections copied from the year before —
//! as `compare` computes them (`yoy.csv`, `text_similarity.csv`).

use std::collections::BTreeMap;
use std::fmt::Write;

use super::charts::year_bars;
use super::html::{esc, page as html_page};
use super::layout::{check_label, metric_label, section_label};
use super::{Offices, ReportView};
use crate::write::format_number;

/// The figures charted year by year.
const KEY_FIGURES: [&str; 12] = [
    "t3.new.total",
    "t3.carried_in.total",
    "t3.granted.total",
    "t3.total.total",
    "t3.carried_out.total",
    "t4.review.total",
    "t4.suit_direct.total",
    "t4.suit_after_review.total",
    "t2.licensing.decisions",
    "t2.penalty.decisions",
    "t2.normative_docs.in_force",
    "t2.fees.amount_wan",
];

/// The HTML of one office's page.
pub fn page(
    key: &str,
    name: &str,
    years: &BTreeMap<i32, usize>,
    views: &[ReportView<'_>],
    offices: &Offices,
) -> String {
    let mut body = String::new();
    let _ = write!(
        body,
        "<nav><a href=\"../index.html\">← 全部报告</a></nav><h1>{}</h1>\
         <p class=\"subtitle\">{} 个年度的政府信息公开工作年度报告</p>",
        esc(name),
        years.len()
    );

    body.push_str("<section id=\"years\"><h2>各年度报告</h2><table class=\"years\"><thead><tr><th>年度</th><th>机关（报告所写）</th><th>状态</th><th>未通过校验</th><th>来源文件</th></tr></thead><tbody>");
    for (year, &i) in years {
        let v = &views[i];
        let failed = v.failed_checks().count();
        let _ = write!(
            body,
            "<tr><td><a href=\"../{page}\">{year}</a></td><td>{office}</td><td class=\"status-{st}\">{st}</td>\
             <td class=\"{fc}\">{failed}</td><td class=\"code\">{source}</td></tr>",
            page = esc(&v.page),
            office = esc(v.field("office")),
            st = esc(v.field("status")),
            fc = if failed > 0 { "fail" } else { "" },
            source = esc(v.source),
        );
    }
    body.push_str("</tbody></table></section>");

    body.push_str("<section id=\"key-figures\"><h2>主要数据历年变化</h2><div class=\"charts small-multiples\">");
    let mut table = String::from(
        "<div class=\"scroll\"><table class=\"key-figures\"><thead><tr><th>数据项</th><th>编号</th>",
    );
    for year in years.keys() {
        let _ = write!(table, "<th>{year}</th>");
    }
    table.push_str("</tr></thead><tbody>");
    for metric in KEY_FIGURES {
        let points: Vec<(i32, Option<f64>)> = years
            .iter()
            .map(|(y, &i)| (*y, views[i].value(metric)))
            .collect();
        if points.iter().all(|p| p.1.is_none()) {
            continue;
        }
        let label = metric_label(metric).unwrap_or_else(|| metric.to_string());
        body.push_str(&year_bars(&metric.replace('.', "-"), &label, &points));
        let _ = write!(
            table,
            "<tr><th>{}</th><td class=\"code\">{metric}</td>",
            esc(&label)
        );
        for (_, v) in &points {
            let _ = write!(
                table,
                "<td data-metric=\"{metric}\">{}</td>",
                v.map(format_number).unwrap_or_else(|| "—".into())
            );
        }
        table.push_str("</tr>");
    }
    table.push_str("</tbody></table></div>");
    body.push_str("</div>");
    body.push_str(&table);
    body.push_str("</section>");

    let checks: Vec<&Vec<String>> = offices.cross_year.get(key).into_iter().flatten().collect();
    body.push_str("<section id=\"cross-year\"><h2>跨年度校验</h2>");
    if checks.is_empty() {
        body.push_str("<p>没有相邻年度可比。</p>");
    } else {
        body.push_str("<table class=\"cross-year\"><thead><tr><th>年度</th><th>校验</th><th>应为（据上年）</th><th>实为（本年）</th><th>差</th><th>结果</th></tr></thead><tbody>");
        for r in checks {
            let _ = write!(
                body,
                "<tr class=\"{st}\" data-check-id=\"{id}\" data-check=\"{st}\"><td>{prev} → {year}</td>\
                 <td title=\"{id}\">{label}</td><td>{e}</td><td>{a}</td><td>{d}</td><td>{st}</td></tr>",
                st = esc(&r[8]),
                id = esc(&r[4]),
                prev = esc(&r[1]),
                year = esc(&r[2]),
                label = esc(&check_label(&r[4])),
                e = esc(&r[5]),
                a = esc(&r[6]),
                d = esc(&r[7]),
            );
        }
        body.push_str("</tbody></table>");
    }
    body.push_str("</section>");

    let similar: Vec<&Vec<String>> = offices.similarity.get(key).into_iter().flatten().collect();
    body.push_str("<section id=\"copied\"><h2>与上年雷同的章节</h2>");
    let copied: Vec<&&Vec<String>> = similar.iter().filter(|r| r[6] == "yes").collect();
    if copied.is_empty() {
        body.push_str("<p>没有大段沿用上一年文字的章节。</p>");
    } else {
        body.push_str("<ul class=\"copied\">");
        for r in copied {
            let share: f64 = r[4].parse().unwrap_or(0.0);
            let _ = write!(
                body,
                "<li data-section=\"{sid}\">{year}年 {section}：{pct:.0}% 的文字见于 {prev}年</li>",
                sid = esc(&r[3]),
                year = esc(&r[2]),
                section = esc(section_label(&r[3])),
                pct = share * 100.0,
                prev = esc(&r[1]),
            );
        }
        body.push_str("</ul>");
    }
    if !similar.is_empty() {
        body.push_str("<details><summary>各章节与上年的重复比例</summary><table class=\"similarity\"><thead><tr><th>年度</th><th>章节</th><th>重复比例</th><th>片段数</th></tr></thead><tbody>");
        for r in &similar {
            let share: f64 = r[4].parse().unwrap_or(0.0);
            let _ = write!(
                body,
                "<tr><td>{} → {}</td><td>{}</td><td>{:.0}%</td><td>{}</td></tr>",
                esc(&r[1]),
                esc(&r[2]),
                esc(section_label(&r[3])),
                share * 100.0,
                esc(&r[5])
            );
        }
        body.push_str("</tbody></table></details>");
    }
    body.push_str("</section>");
    html_page(name, "office", &body)
}
