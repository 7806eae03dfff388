//! The spreadsheet fixtures: the three tables of a [`ReportSpec`] laid out as sheet cells (the
//! national template's merges), written with `rust_xlsxwriter` with fixed document properties,
//! so the bytes are the same on every run.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Formula, Workbook, Worksheet};

use super::report::{t3_id, t4_id, ExpFigure, Expected, ReportSpec, T2_IDS, V};

/// One cell of a laid-out table, relative to the table's top-left corner.
#[derive(Clone, Debug)]
pub struct SCell {
    pub row: u32,
    pub col: u16,
    pub rowspan: u32,
    pub colspan: u16,
    pub content: Content,
}

#[derive(Clone, Debug)]
pub enum Content {
    Label(String),
    Value(String, V),
}

fn label(row: u32, col: u16, rowspan: u32, colspan: u16, text: &str) -> SCell {
    SCell {
        row,
        col,
        rowspan,
        colspan,
        content: Content::Label(text.to_string()),
    }
}

fn value(row: u32, col: u16, colspan: u16, metric: &str, v: &V) -> SCell {
    SCell {
        row,
        col,
        rowspan: 1,
        colspan,
        content: Content::Value(metric.to_string(), v.clone()),
    }
}

/// 表二 (2021): 4 columns, four blocks each with its `第二十条` title row and `信息内容` header.
pub fn sheet_t2(spec: &ReportSpec) -> Vec<SCell> {
    let t2 = &spec.t2;
    let mut out = Vec::new();
    let mut r = 0;
    let title = |out: &mut Vec<SCell>, r: &mut u32, t: &str| {
        out.push(label(*r, 0, 1, 4, t));
        *r += 1;
    };
    title(&mut out, &mut r, "第二十条第（一）项");
    out.push(label(r, 0, 1, 1, "信息内容"));
    for (c, h) in ["本年制发件数", "本年废止件数", "现行有效件数"]
        .iter()
        .enumerate()
    {
        out.push(label(r, 1 + c as u16, 1, 1, h));
    }
    r += 1;
    for (i, row) in ["规章", "行政规范性文件"].iter().enumerate() {
        out.push(label(r, 0, 1, 1, row));
        for c in 0..3 {
            let k = i * 3 + c;
            out.push(value(r, 1 + c as u16, 1, T2_IDS[k], &t2[k]));
        }
        r += 1;
    }
    let single_block =
        |out: &mut Vec<SCell>, r: &mut u32, t: &str, h: &str, rows: &[(&str, usize)]| {
            out.push(label(*r, 0, 1, 4, t));
            *r += 1;
            out.push(label(*r, 0, 1, 1, "信息内容"));
            out.push(label(*r, 1, 1, 3, h));
            *r += 1;
            for (name, k) in rows {
                out.push(label(*r, 0, 1, 1, name));
                out.push(value(*r, 1, 3, T2_IDS[*k], &t2[*k]));
                *r += 1;
            }
        };
    single_block(
        &mut out,
        &mut r,
        "第二十条第（五）项",
        "本年处理决定数量",
        &[("行政许可", 6)],
    );
    single_block(
        &mut out,
        &mut r,
        "第二十条第（六）项",
        "本年处理决定数量",
        &[("行政处罚", 7), ("行政强制", 8)],
    );
    single_block(
        &mut out,
        &mut r,
        "第二十条第（八）项",
        "本年收费金额（单位：万元）",
        &[("行政事业性收费", 9)],
    );
    out
}

const T3_GROUPS: [(&str, &[&str]); 4] = [
    (
        "（三）不予公开",
        &[
            "1.属于国家秘密",
            "2.其他法律行政法规禁止公开",
            "3.危及“三安全一稳定”",
            "4.保护第三方合法权益",
            "5.属于三类内部事务信息",
            "6.属于四类过程性信息",
            "7.属于行政执法案卷",
            "8.属于行政查询事项",
        ],
    ),
    (
        "（四）无法提供",
        &[
            "1.本机关不掌握相关政府信息",
            "2.没有现成信息需要另行制作",
            "3.补正后申请内容仍不明确",
        ],
    ),
    (
        "（五）不予处理",
        &[
            "1.信访举报投诉类申请",
            "2.重复申请",
            "3.要求提供公开出版物",
            "4.无正当理由大量反复申请",
            "5.要求行政机关确认或重新出具已获取信息",
        ],
    ),
    (
        "（六）其他处理",
        &[
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "3.其他",
        ],
    ),
];

/// 表三 (2021): 3 label columns + 7 value columns under a three-row merged header.
pub fn sheet_t3(spec: &ReportSpec) -> Vec<SCell> {
    let t3 = &spec.t3;
    let mut out = vec![
        label(
            0,
            0,
            3,
            3,
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        ),
        label(0, 3, 1, 7, "申请人情况"),
        label(1, 3, 2, 1, "自然人"),
        label(1, 4, 1, 5, "法人或其他组织"),
        label(1, 9, 2, 1, "总计"),
    ];
    for (c, h) in [
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    .iter()
    .enumerate()
    {
        out.push(label(2, 4 + c as u16, 1, 1, h));
    }
    let values = |out: &mut Vec<SCell>, r: u32, k: usize| {
        for (c, v) in t3[k].iter().enumerate() {
            out.push(value(r, 3 + c as u16, 1, &t3_id(k, c), v));
        }
    };
    out.push(label(3, 0, 1, 3, "一、本年新收政府信息公开申请数量"));
    values(&mut out, 3, 0);
    out.push(label(4, 0, 1, 3, "二、上年结转政府信息公开申请数量"));
    values(&mut out, 4, 1);
    out.push(label(5, 0, 22, 1, "三、本年度办理结果"));
    out.push(label(5, 1, 1, 2, "（一）予以公开"));
    values(&mut out, 5, 2);
    out.push(label(
        6,
        1,
        1,
        2,
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    ));
    values(&mut out, 6, 3);
    let mut r = 7;
    let mut k = 4;
    for (group, items) in T3_GROUPS {
        out.push(label(r, 1, items.len() as u32, 1, group));
        for item in items {
            out.push(label(r, 2, 1, 1, item));
            values(&mut out, r, k);
            r += 1;
            k += 1;
        }
    }
    out.push(label(r, 1, 1, 2, "（七）总计"));
    values(&mut out, r, 23);
    out.push(label(r + 1, 0, 1, 3, "四、结转下年度继续办理"));
    values(&mut out, r + 1, 24);
    out
}

/// 表四: the three-row header and one data row of 15 values.
pub fn sheet_t4(spec: &ReportSpec) -> Vec<SCell> {
    let results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
    let mut out = vec![
        label(0, 0, 1, 5, "行政复议"),
        label(0, 5, 1, 10, "行政诉讼"),
    ];
    for (c, h) in results.iter().enumerate() {
        out.push(label(1, c as u16, 2, 1, h));
    }
    out.push(label(1, 5, 1, 5, "未经复议直接起诉"));
    out.push(label(1, 10, 1, 5, "复议后起诉"));
    for b in 0..2u16 {
        for (c, h) in results.iter().enumerate() {
            out.push(label(2, 5 + b * 5 + c as u16, 1, 1, h));
        }
    }
    for i in 0..15 {
        out.push(value(3, i as u16, 1, &t4_id(i), &spec.t4[i]));
    }
    out
}

/// How values are written.
#[derive(Clone, Copy, Default)]
pub struct SheetLook<'a> {
    /// Numbers stored as text cells (`"37"`), as many exported workbooks have them.
    pub numbers_as_text: bool,
    /// The metric whose cell holds a formula without a cached value, and the formula.
    pub formula: Option<(&'a str, &'a str)>,
}

/// Writes laid-out cells at (row0, col0); returns the number of rows used. Blank values are not
/// written at all (an empty cell is absent from the sheet), `/` is written as text.
pub fn write_cells(
    ws: &mut Worksheet,
    cells: &[SCell],
    row0: u32,
    col0: u16,
    look: &SheetLook,
) -> u32 {
    let fmt = Format::new();
    let mut used = 0;
    for c in cells {
        let (r, col) = (row0 + c.row, col0 + c.col);
        used = used.max(c.row + c.rowspan);
        let merged = c.rowspan > 1 || c.colspan > 1;
        if merged {
            ws.merge_range(
                r,
                col,
                r + c.rowspan - 1,
                col + c.colspan - 1,
                match &c.content {
                    Content::Label(t) => t,
                    Content::Value(..) => "",
                },
                &fmt,
            )
            .expect("merge");
        }
        match &c.content {
            Content::Label(t) => {
                if !merged {
                    ws.write_string(r, col, t).expect("label");
                }
            }
            Content::Value(metric, v) => {
                if let Some((m, f)) = look.formula {
                    if m == metric {
                        // no cached value: `<v></v>`, as a writer that never calculated leaves it
                        ws.set_formula_result_default("");
                        ws.write_formula(r, col, Formula::new(f)).expect("formula");
                        continue;
                    }
                }
                match v {
                    V::Blank => {}
                    V::Na => {
                        ws.write_string(r, col, "/").expect("na");
                    }
                    V::N(s) if look.numbers_as_text => {
                        ws.write_string(r, col, s).expect("text number");
                    }
                    V::N(s) => {
                        ws.write_number(r, col, s.parse::<f64>().expect("number"))
                            .expect("number");
                    }
                }
            }
        }
    }
    used
}

fn new_workbook() -> Workbook {
    let mut wb = Workbook::new();
    let when = ExcelDateTime::from_ymd(2024, 1, 26)
        .and_then(|d| d.and_hms(9, 0, 0))
        .expect("date");
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&when)
            .set_author("nianbao fixtures"),
    );
    wb
}

fn title(spec: &ReportSpec) -> String {
    format!("{}{}年政府信息公开工作年度报告", spec.office, spec.year)
}

/// `stacked.xlsx`: one sheet; the title merged over A1:Q1; the three tables stacked from C5 with
/// the section headings between them (a blank row before 三, none before 四).
pub fn build_stacked(spec: &ReportSpec) -> Vec<u8> {
    let mut wb = new_workbook();
    let ws = wb.add_worksheet();
    ws.set_name("年报").expect("name");
    ws.merge_range(0, 0, 0, 16, &title(spec), &Format::new())
        .expect("title");
    let look = SheetLook::default();
    ws.write_string(3, 2, "二、主动公开政府信息情况")
        .expect("heading");
    let mut r = 4;
    r += write_cells(ws, &sheet_t2(spec), r, 2, &look);
    r += 1; // one blank row
    ws.write_string(r, 2, "三、收到和处理政府信息公开申请情况")
        .expect("heading");
    r += 1;
    r += write_cells(ws, &sheet_t3(spec), r, 2, &look);
    ws.write_string(r, 2, "四、政府信息公开行政复议、行政诉讼情况")
        .expect("heading");
    r += 1;
    write_cells(ws, &sheet_t4(spec), r, 2, &look);
    wb.save_to_buffer().expect("xlsx")
}

/// `contiguous.xlsx`: one sheet, the three tables from A1 one right under the other, with no
/// title, heading or blank row between them.
pub fn build_contiguous(spec: &ReportSpec) -> Vec<u8> {
    let mut wb = new_workbook();
    let ws = wb.add_worksheet();
    let look = SheetLook::default();
    let mut r = 0;
    r += write_cells(ws, &sheet_t2(spec), r, 0, &look);
    r += write_cells(ws, &sheet_t3(spec), r, 0, &look);
    write_cells(ws, &sheet_t4(spec), r, 0, &look);
    wb.save_to_buffer().expect("xlsx")
}

/// `three_sheets.xlsx`: 表二, 表三, 表四 on three sheets, each at A3 under its caption; the title
/// on the first sheet; numbers stored as text; the 表四 sheet hidden.
pub fn build_three_sheets(spec: &ReportSpec) -> Vec<u8> {
    three_sheets(spec, true, None)
}

/// `formula.xlsx`: three sheets with numbers, no title; 表三's 总计/总计 cell is a formula
/// without a cached value (as a generator that never calculated it leaves it).
pub fn build_formula(spec: &ReportSpec) -> Vec<u8> {
    three_sheets(spec, false, Some(("t3.total.total", FORMULA)))
}

pub const FORMULA: &str = "SUM(D29:I29)";

fn three_sheets(spec: &ReportSpec, titled: bool, formula: Option<(&str, &str)>) -> Vec<u8> {
    let mut wb = new_workbook();
    let look = SheetLook {
        numbers_as_text: titled,
        formula,
    };
    let tables: [(&str, &str, Vec<SCell>); 3] = [
        ("表二", "二、主动公开政府信息情况", sheet_t2(spec)),
        ("表三", "三、收到和处理政府信息公开申请情况", sheet_t3(spec)),
        (
            "表四",
            "四、政府信息公开行政复议、行政诉讼情况",
            sheet_t4(spec),
        ),
    ];
    for (i, (name, caption, cells)) in tables.iter().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(*name).expect("name");
        if titled && i == 0 {
            ws.merge_range(0, 0, 0, 3, &title(spec), &Format::new())
                .expect("title");
        }
        ws.write_string(1, 0, *caption).expect("caption");
        write_cells(ws, cells, 2, 0, &look);
        if titled && i == 2 {
            ws.set_hidden(true);
        }
    }
    wb.save_to_buffer().expect("xlsx")
}

/// One generated workbook with what it must give.
pub struct SheetSample {
    pub name: &'static str,
    pub bytes: Vec<u8>,
    pub expected: Expected,
    /// A text every run must warn about (`warnings` of reports.csv), if any.
    pub warning: Option<&'static str>,
}

/// What a workbook of `spec`'s tables gives: the figures, and the office and year only when the
/// sheet has the report's title (`titled`); no dates or contacts.
pub fn sheet_expected(spec: &ReportSpec, titled: bool) -> Expected {
    let mut e = spec.expected();
    e.origin = "sheet";
    e.locations = None;
    e.table_numbers = None;
    e.check_meta = false;
    if !titled {
        e.office = None;
        e.year = None;
    }
    e
}

/// Every generated workbook (`fixtures/sheets/{name}.xlsx`).
pub fn sheet_samples() -> Vec<SheetSample> {
    let spec = ReportSpec::standard();
    let sheet_expected = |titled: bool| sheet_expected(&spec, titled);
    let mut formula = sheet_expected(false);
    for f in formula.figures.iter_mut() {
        if f.metric == "t3.total.total" {
            *f = ExpFigure {
                metric: f.metric.clone(),
                value: None,
                semantic: "text",
                origin: None,
            };
        }
    }
    vec![
        SheetSample {
            name: "stacked",
            bytes: build_stacked(&spec),
            expected: sheet_expected(true),
            warning: None,
        },
        SheetSample {
            name: "contiguous",
            bytes: build_contiguous(&spec),
            expected: sheet_expected(false),
            warning: None,
        },
        SheetSample {
            name: "three_sheets",
            bytes: build_three_sheets(&spec),
            expected: sheet_expected(true),
            warning: None,
        },
        SheetSample {
            name: "formula",
            bytes: build_formula(&spec),
            expected: formula,
            warning: Some("formula"),
        },
    ]
}
