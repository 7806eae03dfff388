//! Test helpers: Documents built by hand from paragraphs and grids.

use crate::model::{Block, Cell, Document, Paragraph, TableGrid, TableOrigin};

/// A plain paragraph.
pub fn para(text: &str) -> Block {
    Block::Paragraph(Paragraph {
        text: text.to_string(),
        ..Default::default()
    })
}

/// A paragraph with a Word list label.
pub fn labelled(label: &str, text: &str) -> Block {
    Block::Paragraph(Paragraph {
        label: Some(label.to_string()),
        text: text.to_string(),
        ..Default::default()
    })
}

/// A document from body blocks.
pub fn doc(body: Vec<Block>) -> Document {
    Document {
        body,
        ..Default::default()
    }
}

/// A document whose body is one paragraph per line of `text`.
pub fn lines_doc(text: &str) -> Document {
    doc(text.lines().map(para).collect())
}

/// A cell at (row, col) with spans.
pub fn cell(row: usize, col: usize, rowspan: usize, colspan: usize, text: &str) -> Cell {
    Cell {
        row,
        col,
        rowspan,
        colspan,
        text: text.to_string(),
        ..Default::default()
    }
}

/// A Word grid from cells.
pub fn grid(cells: Vec<Cell>) -> TableGrid {
    TableGrid::from_cells(cells, TableOrigin::Word)
}

/// A grid without merges, one string per slot.
pub fn simple_grid(rows: &[&[&str]]) -> TableGrid {
    let mut cells = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        for (c, t) in row.iter().enumerate() {
            cells.push(cell(r, c, 1, 1, t));
        }
    }
    grid(cells)
}

pub const CORNER: &str = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";

/// The 25 row labels of the 2021 表三, grouped as printed: (group label, items).
pub fn t3_groups() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        (
            "（三）不予公开",
            vec![
                "1．属于国家秘密",
                "2．其他法律行政法规禁止公开",
                "3．危及“三安全一稳定”",
                "4．保护第三方合法权益",
                "5．属于三类内部事务信息",
                "6．属于四类过程性信息",
                "7．属于行政执法案卷",
                "8．属于行政查询事项",
            ],
        ),
        (
            "（四）无法提供",
            vec![
                "1．本机关不掌握相关政府信息",
                "2．没有现成信息需要另行制作",
                "3．补正后申请内容仍不明确",
            ],
        ),
        (
            "（五）不予处理",
            vec![
                "1．信访举报投诉类申请",
                "2．重复申请",
                "3．要求提供公开出版物",
                "4．无正当理由大量反复申请",
                "5．要求行政机关确认或重新出具已获取信息",
            ],
        ),
        (
            "（六）其他处理",
            vec![
                "1．申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                "2．申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                "3．其他",
            ],
        ),
    ]
}

/// A Word-built 2021 表三: 3 header rows, 3 label columns, 25 × 7 data cells whose
/// values are `data_row * 10 + data_col` (so r0c0 reads "0").
pub fn t3_word() -> TableGrid {
    let mut cells = vec![
        cell(0, 0, 3, 3, CORNER),
        cell(0, 3, 1, 7, "申请人情况"),
        cell(1, 3, 2, 1, "自然人"),
        cell(1, 4, 1, 5, "法人或其他组织"),
        cell(1, 9, 2, 1, "总计"),
        cell(2, 4, 1, 1, "商业\n企业"),
        cell(2, 5, 1, 1, "科研\n机构"),
        cell(2, 6, 1, 1, "社会公\n益组织"),
        cell(2, 7, 1, 1, "法律服\n务机构"),
        cell(2, 8, 1, 1, "其他"),
    ];
    let mut r = 3;
    let data = |cells: &mut Vec<Cell>, r: usize| {
        for c in 0..7 {
            cells.push(cell(r, 3 + c, 1, 1, &format!("{}", (r - 3) * 10 + c)));
        }
    };
    cells.push(cell(r, 0, 1, 3, "一、本年新收政府信息公开申请数量"));
    data(&mut cells, r);
    r += 1;
    cells.push(cell(r, 0, 1, 3, "二、上年结转政府信息公开申请数量"));
    data(&mut cells, r);
    r += 1;
    cells.push(cell(r, 0, 22, 1, "三、本年度办理结果"));
    cells.push(cell(r, 1, 1, 2, "（一）予以公开"));
    data(&mut cells, r);
    r += 1;
    cells.push(cell(
        r,
        1,
        1,
        2,
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    ));
    data(&mut cells, r);
    r += 1;
    for (group, items) in t3_groups() {
        cells.push(cell(r, 1, items.len(), 1, group));
        for item in items {
            cells.push(cell(r, 2, 1, 1, item));
            data(&mut cells, r);
            r += 1;
        }
    }
    cells.push(cell(r, 1, 1, 2, "（七）总计"));
    data(&mut cells, r);
    r += 1;
    cells.push(cell(r, 0, 1, 3, "四、结转下年度继续办理"));
    data(&mut cells, r);
    grid(cells)
}

pub fn t4_grid(values: [&str; 15]) -> TableGrid {
    let mut cells = vec![cell(0, 0, 1, 5, "行政复议"), cell(0, 5, 1, 10, "行政诉讼")];
    for (i, l) in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
        .iter()
        .enumerate()
    {
        cells.push(cell(1, i, 2, 1, l));
        cells.push(cell(2, 5 + i, 1, 1, l));
        cells.push(cell(2, 10 + i, 1, 1, &l.replace("结果", "结果\n")));
    }
    cells.push(cell(1, 5, 1, 5, "未经复议直接起诉"));
    cells.push(cell(1, 10, 1, 5, "复议后起诉"));
    for (i, v) in values.iter().enumerate() {
        cells.push(cell(3, i, 1, 1, v));
    }
    grid(cells)
}

pub fn t2_word(year_header: bool) -> TableGrid {
    let mut cells = Vec::new();
    let mut r = 0;
    let block = |cells: &mut Vec<Cell>, r: &mut usize, t: &str| {
        cells.push(cell(*r, 0, 1, 4, t));
        *r += 1;
    };
    block(&mut cells, &mut r, "第二十条第（一）项");
    cells.push(cell(r, 0, 1, 1, "信息内容"));
    let issued = if year_header {
        "本年（2023）制发件数"
    } else {
        "本年制发件数"
    };
    cells.push(cell(r, 1, 1, 1, issued));
    cells.push(cell(r, 2, 1, 1, "本年废止件数"));
    cells.push(cell(r, 3, 1, 1, "现行有效件数"));
    r += 1;
    for (label, vals) in [("规章", ["0", "0", "0"]), ("规范性文件", ["3", "1", "12"])] {
        cells.push(cell(r, 0, 1, 1, label));
        for (i, v) in vals.iter().enumerate() {
            cells.push(cell(r, 1 + i, 1, 1, v));
        }
        r += 1;
    }
    for (item, head, rows) in [
        (
            "第二十条第（五）项",
            "本年处理决定数量",
            vec![("行政许可", "1,024")],
        ),
        (
            "第二十条第（六）项",
            "本年处理决定数量",
            vec![("行政处罚", "56"), ("行政强制", "—")],
        ),
        (
            "第二十条第（八）项",
            "本年收费金额（单位：万元）",
            vec![("行政事业性收费", "103.3879万元")],
        ),
    ] {
        block(&mut cells, &mut r, item);
        cells.push(cell(r, 0, 1, 1, "信息内容"));
        cells.push(cell(r, 1, 1, 3, head));
        r += 1;
        for (label, v) in rows {
            cells.push(cell(r, 0, 1, 1, label));
            cells.push(cell(r, 1, 1, 3, v));
            r += 1;
        }
    }
    grid(cells)
}

/// The text of the seed report (威海市文登区天福街道办事处, 2023), one paragraph per line, as a
/// plain-text converter rendered it (tables were pictures; `3、` and `5、` are Word numbering).
pub const SEED: &str = r#"威海市文登区天福街道办事处
2023年政府信息公开工作年度报告

根据《中华人民共和国政府信息公开条例》（国务院令第711号，以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）要求，结合2023年威海市文登区天福街道办事处信息公开工作实际，编制发布本报告。
本报告内容包括：总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议及行政诉讼情况、存在的主要问题及改进情况、其他事项，以及相关指标统计附表等。报告中所列数据统计期限从2023年1月1日到12月31日止。报告电子版可从威海市文登区人民政府门户网站（网址：http://www.wendeng.gov.cn）政府信息公开专栏查阅或下载。公众如需进一步咨询了解相关信息，请与威海市文登区天福街道办事处联系（地址：威海市文登区天福路218号，电话：0631—8985998）。
一、总体情况
2023年威海市文登区天福街道办事处在政务公开工作方面，坚持稳中求进工作总基调，全力做好政府信息公开平台建设，用心做好政府信息公开属性的源头认定和审核把关，着力提升公开属性认定准确率，以公开促落实、强规范、补短板、优服务，政务公开工作水平得到明显提升。
（一）主动公开方面。威海市文登区天福街道办事处坚持“公开为原则，不公开为例外”，积极做好主动公开工作，2023年共主动公开政府信息784条，包括网上公开52条，媒体公开311条，便民服务中心利用公告栏、电子屏公开行政审批事项和社会服务信息421条。其中，通过国家、省级、市级等新闻媒体平台发表新闻稿件及海报等240篇。文登区人民政府网站主动公开信息52条，从内容分类看，人事任免1条，工作动态39条，其他公示6条，信息公开指南1条，财政信息2条，行政执法公示2条，年度报告1条。
（二）依申请公开工作方面。威海市文登区天福街道办事处进一步完善政府信息公开申请登记、审核、办理、答复、归档等工作制度。2023年，未收到政务信息公开申请事项，同去年相比没有变化。
（三）政府信息管理方面。威海市文登区天福街道办事处按照规定和要求，在职责范围内，依照规定程序及时主动地向社会公开应当让社会公众广泛知晓或参与的事项，并严格落实信息公开“三审制”和政府信息公开保密审查机制，全面加强信息发布审核。同时，加强政府信息保密管理，落实专人做好政府信息公开保密审查和发布工作，每月按要求做好政务公开问题整改工作。
[bookmark: _GoBack]（四）平台建设方面。威海市文登区天福街道办事处进一步加强对政府信息公开平台的建设，规范运维“天福街道”微信公众号，及时发布相关信息。同时，依托街道便民服务中心通过公告栏、电子屏等公开行政审批事项和社会服务信息，完善政府信息查询、依申请公开受理、办事服务咨询、政策咨询等综合服务窗口，为群众提供更便捷的服务。
（五）监督保障方面。威海市文登区天福街道办事处严格遵循政务公开基本原则，将政府门户网站作为信息公开第一平台来建设，做到“依法公开、真实公正、注重实效、有力监督”，投入资金并安排专人负责、维护和管理，定期对政府信息公开内容开展自查自纠。同时，组织人员培训让工作人员边学边干，严格按照信息公开与保密相统一的工作要求落实，确保公开内容公正、合理、真实、可信，切实为社会提供公共服务。
 二、主动公开政府信息情况
[image: 图片4]


3、 收到和处理政府信息公开申请情况
[image: 图片3]
四、政府信息公开行政复议、行政诉讼情况
[image: 图片2]
5、 存在的主要问题及改进情况
存在问题：一是政府信息公开的主动性有待加强。政府信息公开不够主动，有时未能做到及时、有效更新，信息的内容质量也略显不足，以工作业务动态居多。二是政务公开工作人员专业性有待加强。政务公开工作专业性较强，需要掌握一定的计算机操作技能和具备相应的文字处理、编辑功底。由于不具备专业培训条件，对政务公开工作人员存在组织培训缺乏、讲解不深入的问题，影响了政务公开工作的开展。三是政务公开工作的创新性有待加强。在政务公开工作中，仅能够按时完成上级要求的工作要点和必选公开项目，但主动做好公开工作的创新性和灵活性不强，不能适应网络互联时代政务公开的需求。
整改措施：一是规范公开程序，保证公开时效。明确政府信息公开的内容细则和公开流程，确保涉及人民群众关心的重大问题和重大决策等信息公开得迅速、及时、规范，全面推进政务公开工作迈上新台阶。二是强化培训指导，提升人员素质。定期召开政务公开工作人员工作例会，常态化组织政务公开工作相关人员的业务培训，加强交流，切实提高街道政务公开整体工作水平。三是强化工作创新，优化公开质量。在落实上级政务公开要求的基础上，积极探索政务公开新途径、新方法，通过开展政务公开信息评选、网站建设情况自查，探索新媒体信息发布等方式强化政务公开工作。
六、其他需要报告的事项
（一）政府信息公开收费方面：2023年威海市文登区天福街道办事处未收取政府信息公开信息处理费。
（二）人大代表建议和政协委员提案办理方面：2023年威海市文登区天福街道办事处未承办人大代表建议、政协委员提案。
（三）其他方面：在落实上级政务公开要点情况方面，威海市文登区天福街道办事处按照上级要求，通过政务公开网站信息公开专栏，向社会公开办事处的机构设置、职能简介、领导简介等信息，及时公示办事处业动态、财政收支情况和重点工作目标完成情况等政府信息，充分发挥政务公开对政府各项工作推进落实的支撑作用，不断提升人民群众获得感和满意度。


威海市文登区天福街道办事处
                        2024年1月22日
 "#;
