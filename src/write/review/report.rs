//! The page of one report: what it is, what failed, its tables redrawn in the template's layout
//! with every value cell marked with its metric, checks and origin, the pictures they were read
//! from with each cell's box, and the sections.

use std::fmt::Write;

use super::html::{esc, page as html_page};
use super::layout::{
    check_label, metric_label, section_label, table2, table3, table4, Slot, Template,
};
use super::{FigureView, ReportView};
use crate::recognise::metrics::is_known;

/// Which templates the report's figures follow (2019 表二 / 表三 when its ids are there).
fn templates(v: &ReportView<'_>) -> Vec<Template> {
    let has = |prefix: &str| v.figures.keys().any(|m| m.starts_with(prefix));
    let t2_2019 = v
        .figures
        .keys()
        .any(|m| m.starts_with("t2.") && is_known(m, true) && !is_known(m, false));
    let t3_2019 = v.figures.contains_key("t3.other.total");
    let mut out = Vec::new();
    if has("t2.") {
        out.push(table2(t2_2019));
    }
    if has("t3.") {
        out.push(table3(t3_2019));
    }
    if has("t4.") {
        out.push(table4());
    }
    out
}

fn status_zh(status: &str) -> &str {
    match status {
        "ok" => "完整",
        "partial" => "部分读出",
        "failed" => "读取失败",
        "pass" => "通过",
        "fail" => "未通过",
        "uncertain" => "不确定",
        other => other,
    }
}

fn value_cell(out: &mut String, metric: &str, colspan: u32, f: Option<&FigureView<'_>>) {
    let span = if colspan > 1 {
        format!(" colspan=\"{colspan}\"")
    } else {
        String::new()
    };
    let Some(f) = f else {
        let _ = write!(
            out,
            "<td{span} class=\"v missing\" id=\"m-{m}\" data-metric=\"{m}\" data-check=\"none\" \
             data-origin=\"\"></td>",
            m = esc(metric),
        );
        return;
    };
    let check = f.check.as_str();
    let _ = write!(
        out,
        "<td{span} class=\"v {check} o-{origin}\" id=\"m-{m}\" data-metric=\"{m}\" \
         data-check=\"{check}\" data-origin=\"{origin}\" data-semantic=\"{sem}\" \
         data-location=\"{loc}\"",
        m = esc(metric),
        origin = esc(f.origin()),
        sem = esc(f.semantic()),
        loc = esc(f.location_text()),
    );
    if let (Some(img), Some([x, y, w, h])) = (f.location.image, f.location.bbox) {
        let _ = write!(
            out,
            " data-image=\"{}\" data-box=\"{x},{y},{w},{h}\"",
            esc(img)
        );
    }
    if let Some(r) = &f.reread {
        let _ = write!(
            out,
            " data-first=\"{}\" data-kept=\"{}\"",
            esc(&r.first),
            esc(&r.kept)
        );
    }
    // no title: the row and column labels are printed around the cell
    let _ = write!(out, ">{}", esc(f.raw()));
    if let Some(r) = &f.reread {
        let changed = if r.first == r.kept {
            "保留"
        } else {
            "改为"
        };
        let _ = write!(
            out,
            "<span class=\"reread\">重读：首读“{}”，{changed}“{}”</span>",
            esc(&r.first),
            esc(&r.kept)
        );
    }
    if f.location.bbox.is_some() && f.location.image.is_some() {
        let _ = write!(
            out,
            "<a class=\"pic-link\" href=\"#box-{}\" title=\"在图片中查看\">图</a>",
            esc(metric)
        );
    }
    out.push_str("</td>");
}

fn template_table(out: &mut String, t: &Template, v: &ReportView<'_>) {
    let _ = write!(
        out,
        "<h3>{}</h3><div class=\"scroll\"><table class=\"template\" id=\"t{n}\" data-table=\"t{n}\">",
        esc(t.heading),
        n = t.number
    );
    for row in &t.rows {
        out.push_str("<tr>");
        for slot in row {
            match slot {
                Slot::Label {
                    text,
                    rowspan,
                    colspan,
                } => {
                    out.push_str("<th");
                    if *rowspan > 1 {
                        let _ = write!(out, " rowspan=\"{rowspan}\"");
                    }
                    if *colspan > 1 {
                        let _ = write!(out, " colspan=\"{colspan}\"");
                    }
                    let _ = write!(out, ">{}</th>", esc(text));
                }
                Slot::Value { metric, colspan } => {
                    value_cell(out, metric, *colspan, v.figures.get(metric.as_str()))
                }
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</table></div>");
}

fn facts(out: &mut String, v: &ReportView<'_>) {
    let region: Vec<&str> = ["province", "city", "county", "township"]
        .iter()
        .map(|c| v.field(c))
        .filter(|s| !s.is_empty())
        .collect();
    let period = match (v.field("period_start"), v.field("period_end")) {
        ("", "") => String::new(),
        (a, b) => format!("{a} 至 {b}"),
    };
    let rows: [(&str, String, &str); 17] = [
        ("机关", v.field("office").into(), "office"),
        ("地区", region.join(" "), "region"),
        ("年度", v.field("year").into(), "year"),
        ("发布日期", v.field("published").into(), "published"),
        ("统计期间", period, "period"),
        ("地址", v.field("address").into(), "address"),
        ("邮政编码", v.field("postcode").into(), "postcode"),
        ("电话", v.field("phone").into(), "phone"),
        ("传真", v.field("fax").into(), "fax"),
        ("电子邮箱", v.field("email").into(), "email"),
        ("网站", v.field("website").into(), "website"),
        ("来源文件", v.source.into(), "source"),
        ("SHA-256", v.field("sha256").into(), "sha256"),
        ("文件格式", v.field("format").into(), "format"),
        ("表格格式", v.field("table_format").into(), "table_format"),
        (
            "读取状态",
            status_zh(v.field("status")).to_string(),
            "status",
        ),
        (
            "类型",
            match v.field("kind") {
                "annual_report" => "政府信息公开工作年度报告".to_string(),
                "other" => "其他文件".to_string(),
                k => k.to_string(),
            },
            "kind",
        ),
    ];
    out.push_str("<section id=\"facts\"><h2>基本信息</h2><dl class=\"facts\">");
    for (label, value, key) in rows {
        let value = if value.is_empty() {
            "—".to_string()
        } else {
            value
        };
        let class = if matches!(key, "source" | "sha256") {
            " class=\"code\""
        } else {
            ""
        };
        let _ = write!(
            out,
            "<dt>{label}</dt><dd data-field=\"{key}\"{class}>{}</dd>",
            esc(&value)
        );
    }
    out.push_str("</dl></section>");
}

fn failed_checks(out: &mut String, v: &ReportView<'_>) {
    let failed: Vec<&Vec<String>> = v.rows.checks.iter().filter(|c| c[5] == "fail").collect();
    if failed.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<section id=\"failed\"><h2>未通过的校验（{}）</h2><ul class=\"failed-checks\">",
        failed.len()
    );
    for c in failed {
        let scope = c[4].split_once("; cells ").map_or(c[4].as_str(), |s| s.0);
        let soft = if c[3].starts_with("text.") {
            "<span class=\"soft\">（正文与表格口径可能不同，不计入未通过数）</span>"
        } else {
            ""
        };
        let _ = write!(
            out,
            "<li class=\"failed-check\" data-check-id=\"{id}\"><b>{label}</b> <code>{id}</code> \
             {scope}：应为 <b>{e}</b>，实为 <b>{a}</b>{soft}<br>单元格：",
            id = esc(&c[3]),
            label = esc(&check_label(&c[3])),
            scope = esc(scope),
            e = esc(&c[6]),
            a = esc(&c[7]),
        );
        for (i, m) in c[8].split_whitespace().enumerate() {
            if i > 0 {
                out.push('、');
            }
            let value = v.figures.get(m).map_or("—", |f| f.raw());
            let _ = write!(
                out,
                "<a class=\"cell-link\" href=\"#m-{m}\" title=\"{t}\">{m} = {val}</a>",
                m = esc(m),
                t = esc(&metric_label(m).unwrap_or_default()),
                val = esc(value)
            );
        }
        out.push_str("</li>");
    }
    out.push_str("</ul></section>");
}

fn warnings(out: &mut String, v: &ReportView<'_>) {
    if !v.warnings.is_empty() {
        let _ = write!(
            out,
            "<section id=\"warnings\"><h2>警告（{}）</h2><ul class=\"warnings\">",
            v.warnings.len()
        );
        for w in &v.warnings {
            let _ = write!(out, "<li>{}</li>", esc(w));
        }
        out.push_str("</ul></section>");
    }
    if !v.rows.errors.is_empty() {
        out.push_str("<section id=\"errors\"><h2>读取错误</h2><ul class=\"errors\">");
        for e in &v.rows.errors {
            let _ = write!(out, "<li><code>{}</code> {}</li>", esc(&e[1]), esc(&e[2]));
        }
        out.push_str("</ul></section>");
    }
}

fn pictures(out: &mut String, v: &ReportView<'_>) {
    if v.pictures.is_empty() {
        return;
    }
    out.push_str("<section id=\"pictures\"><h2>表格图片</h2><p class=\"hint\">框出每个读出数字的单元格；红框为未通过校验的单元格。点击表中的“图”可定位。</p>");
    for p in &v.pictures {
        let boxes: Vec<&FigureView<'_>> = v
            .figures
            .values()
            .filter(|f| f.location.image == Some(p.id.as_str()) && f.location.bbox.is_some())
            .collect();
        let extent = |i: usize| {
            boxes
                .iter()
                .filter_map(|f| f.location.bbox)
                .map(|b| b[i] + b[i + 2] + 10)
                .max()
                .unwrap_or(100)
        };
        let (w, h) = (
            p.width.unwrap_or_else(|| extent(0)),
            p.height.unwrap_or_else(|| extent(1)),
        );
        let href = format!("../{}", p.href);
        let _ = write!(
            out,
            "<figure class=\"picture\" id=\"pic-{id}\" data-image=\"{id}\"><figcaption>图片 {id} \
             <code>{part}</code> · <a href=\"{href}\">打开原图</a></figcaption>\
             <svg class=\"picture-svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\">\
             <image href=\"{href}\" x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\"/>",
            id = esc(&p.id),
            part = esc(&p.part),
            href = esc(&href),
        );
        for f in boxes {
            let Some([x, y, bw, bh]) = f.location.bbox else {
                continue;
            };
            let _ = write!(
                out,
                "<a href=\"#m-{m}\"><rect class=\"box {check}\" id=\"box-{m}\" data-metric=\"{m}\" \
                 data-check=\"{check}\" data-box=\"{x},{y},{bw},{bh}\" x=\"{x}\" y=\"{y}\" \
                 width=\"{bw}\" height=\"{bh}\"><title>{label} = {raw}</title></rect></a>",
                m = esc(f.metric()),
                check = f.check.as_str(),
                label = esc(&metric_label(f.metric()).unwrap_or_default()),
                raw = esc(f.raw()),
            );
        }
        out.push_str("</svg></figure>");
    }
    out.push_str("</section>");
}

fn sections(out: &mut String, v: &ReportView<'_>) {
    if v.rows.sections.is_empty() {
        return;
    }
    out.push_str("<section id=\"sections\"><h2>正文</h2>");
    for s in &v.rows.sections {
        let heading = if s[2].is_empty() {
            section_label(&s[1]).to_string()
        } else {
            s[2].clone()
        };
        let _ = write!(
            out,
            "<details class=\"section\" id=\"s-{id}\" data-section=\"{id}\" open><summary>{}</summary>\
             <div class=\"text\">{}</div></details>",
            esc(&heading),
            esc(&s[3]),
            id = esc(&s[1]),
        );
    }
    out.push_str("</section>");
}

fn all_checks(out: &mut String, v: &ReportView<'_>) {
    if v.rows.checks.is_empty() {
        return;
    }
    let count = |s: &str| v.rows.checks.iter().filter(|c| c[5] == s).count();
    let _ = write!(
        out,
        "<section id=\"checks\"><h2>全部校验</h2><details><summary>{} 项：通过 {}，未通过 {}，不确定 {}</summary>\
         <table class=\"checks\"><thead><tr><th>校验</th><th>范围</th><th>结果</th><th>应为</th><th>实为</th></tr></thead><tbody>",
        v.rows.checks.len(),
        count("pass"),
        count("fail"),
        count("uncertain")
    );
    for c in &v.rows.checks {
        let scope = c[4].split_once("; cells ").map_or(c[4].as_str(), |s| s.0);
        let _ = write!(
            out,
            "<tr class=\"{st}\"><td title=\"{id}\">{label}</td><td>{scope}</td><td>{stz}</td><td>{e}</td><td>{a}</td></tr>",
            st = esc(&c[5]),
            id = esc(&c[3]),
            label = esc(&check_label(&c[3])),
            scope = esc(scope),
            stz = esc(status_zh(&c[5])),
            e = esc(&c[6]),
            a = esc(&c[7]),
        );
    }
    out.push_str("</tbody></table></details></section>");
}

/// The HTML of one report's page.
pub fn page(v: &ReportView<'_>) -> String {
    let office = v.field("office");
    let year = v.field("year");
    let title = match (office, year) {
        ("", "") => v.source.to_string(),
        (o, "") => o.to_string(),
        ("", y) => format!("{} {y}年", v.source),
        (o, y) => format!("{o} {y}年"),
    };
    let mut body = String::with_capacity(64 * 1024);
    body.push_str("<nav><a href=\"../index.html\">← 全部报告</a>");
    if let Some(o) = &v.office_page {
        let _ = write!(body, " · <a href=\"../{}\">本机关历年对比</a>", esc(o));
    }
    body.push_str("</nav>");
    let failed = v.failed_checks().count();
    let _ = write!(
        body,
        "<h1>{}</h1><p class=\"subtitle\">政府信息公开工作年度报告 · <span class=\"status-{st}\">{}</span>{}</p>",
        esc(&title),
        status_zh(v.field("status")),
        if failed > 0 {
            format!(" · <a class=\"fail-count\" href=\"#failed\">{failed} 项校验未通过</a>")
        } else {
            String::new()
        },
        st = esc(v.field("status")),
    );
    facts(&mut body, v);
    failed_checks(&mut body, v);
    warnings(&mut body, v);
    let templates = templates(v);
    if !templates.is_empty() {
        body.push_str(
            "<section id=\"tables\"><h2>统计表（按国家模板重排）</h2><p class=\"legend\">\
             <span class=\"v fail\">未通过校验</span> <span class=\"v uncertain\">不确定</span> \
             <span class=\"v pass\">通过</span> <span class=\"v missing\">未读出</span> \
             <span class=\"v o-image\">读自图片</span></p>",
        );
        for t in &templates {
            template_table(&mut body, t, v);
        }
        body.push_str("</section>");
    }
    pictures(&mut body, v);
    sections(&mut body, v);
    all_checks(&mut body, v);
    html_page(&title, "report", &body)
}
