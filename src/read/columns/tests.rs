//! The column finder on pieces laid out by hand: tables it must rebuild, prose it must leave.

use super::*;

/// A piece of text at `x` on the line at `y`, 10 units high, 10 wide per character.
fn piece(text: &str, x: f32, y: f32) -> Piece {
    let w = text.chars().count() as f32 * 10.0;
    Piece {
        rect: [x, y, x + w, y + 10.0],
        text: text.into(),
    }
}

fn row(y: f32, cells: &[(&str, f32)]) -> Vec<Piece> {
    cells.iter().map(|(t, x)| piece(t, *x, y)).collect()
}

fn grid_text(t: &ColumnTable) -> Vec<Vec<String>> {
    let mut out = vec![vec![String::new(); t.cols]; t.rows];
    for c in &t.cells {
        out[c.slot.row][c.slot.col] = c.text.clone();
    }
    out
}

#[test]
fn a_table_of_aligned_text_between_paragraphs() {
    let mut pieces = vec![piece(
        "本年度主动公开政府信息的统计数据见下表，以及更多的文字说明。",
        0.0,
        0.0,
    )];
    pieces.extend(row(
        20.0,
        &[
            ("信息内容", 0.0),
            ("制发", 120.0),
            ("废止", 180.0),
            ("有效", 240.0),
        ],
    ));
    pieces.extend(row(
        34.0,
        &[("规章", 0.0), ("/", 125.0), ("/", 185.0), ("/", 245.0)],
    ));
    // a label wrapped over two lines, its figures on the first
    pieces.extend(row(
        48.0,
        &[
            ("行政规范性文件数", 0.0),
            ("5", 125.0),
            ("2", 185.0),
            ("37", 245.0),
        ],
    ));
    pieces.extend(row(62.0, &[("量", 0.0)]));
    pieces.extend(row(76.0, &[("行政强制", 0.0)]));
    pieces.push(piece("三、收到和处理政府信息公开申请情况", 0.0, 110.0));
    let tables = find_tables(&pieces, &[]);
    assert_eq!(tables.len(), 1);
    let t = &tables[0];
    assert_eq!(
        grid_text(t),
        vec![
            vec!["信息内容", "制发", "废止", "有效"],
            vec!["规章", "/", "/", "/"],
            vec!["行政规范性文件数\n量", "5", "2", "37"],
            vec!["行政强制", "", "", ""],
        ]
    );
    assert!(!t.pieces.contains(&0) && !t.pieces.contains(&(pieces.len() - 1)));
}

#[test]
fn a_header_centred_over_columns_spans_them() {
    let mut pieces = row(0.0, &[("行政复议情况", 80.0), ("行政诉讼情况", 200.0)]);
    pieces.extend(row(
        14.0,
        &[
            ("维持", 60.0),
            ("纠正", 100.0),
            ("总计", 140.0),
            ("维持", 180.0),
            ("纠正", 220.0),
            ("总计", 260.0),
        ],
    ));
    for y in [28.0, 42.0, 56.0] {
        pieces.extend(row(
            y,
            &[
                ("1", 65.0),
                ("2", 105.0),
                ("3", 145.0),
                ("4", 185.0),
                ("5", 225.0),
                ("9", 265.0),
            ],
        ));
    }
    let t = &find_tables(&pieces, &[])[0];
    assert_eq!(t.cols, 6);
    let head: Vec<(usize, usize, &str)> = t
        .cells
        .iter()
        .filter(|c| c.slot.row == 0)
        .map(|c| (c.slot.col, c.slot.colspan, c.text.as_str()))
        .collect();
    assert_eq!(head, vec![(0, 3, "行政复议情况"), (3, 3, "行政诉讼情况")]);
}

#[test]
fn a_header_wrapped_per_column_under_group_headers() {
    let mut pieces = row(0.0, &[("申请人情况", 100.0)]);
    pieces.extend(row(14.0, &[("法人或其他组织", 140.0)]));
    // 自然 spaced out over its column splits into two pieces
    pieces.extend(row(
        28.0,
        &[
            ("项目", 0.0),
            ("自", 100.0),
            ("然", 115.0),
            ("商业", 140.0),
            ("科研", 180.0),
            ("总计", 220.0),
        ],
    ));
    pieces.extend(row(
        42.0,
        &[("人", 100.0), ("企业", 140.0), ("机构", 180.0)],
    ));
    // the 科研 column is mostly blank
    pieces.extend(row(
        60.0,
        &[
            ("一", 0.0),
            ("1", 105.0),
            ("2", 145.0),
            ("3", 185.0),
            ("6", 225.0),
        ],
    ));
    pieces.extend(row(
        74.0,
        &[("二", 0.0), ("5", 105.0), ("6", 145.0), ("11", 225.0)],
    ));
    pieces.extend(row(
        88.0,
        &[
            ("三", 0.0),
            ("8", 105.0),
            ("9", 145.0),
            ("1", 185.0),
            ("18", 225.0),
        ],
    ));
    let t = &find_tables(&pieces, &[])[0];
    assert_eq!((t.rows, t.cols), (6, 5));
    let head: Vec<(usize, usize, usize, usize, &str)> = t
        .cells
        .iter()
        .filter(|c| c.slot.row < 3 && !c.text.is_empty())
        .map(|c| {
            let s = &c.slot;
            (s.row, s.col, s.rowspan, s.colspan, c.text.as_str())
        })
        .collect();
    assert_eq!(
        head,
        vec![
            (0, 0, 3, 1, "项目"),
            (0, 1, 1, 4, "申请人情况"),
            (1, 1, 2, 1, "自然\n人"),
            (1, 2, 1, 3, "法人或其他组织"),
            (2, 2, 1, 1, "商业\n企业"),
            (2, 3, 1, 1, "科研\n机构"),
            (2, 4, 1, 1, "总计"),
        ]
    );
    assert_eq!(grid_text(t)[4], vec!["二", "5", "6", "", "11"]);
}

#[test]
fn a_label_wrapped_around_its_figures_starts_the_data() {
    let mut pieces = row(
        0.0,
        &[("项目", 0.0), ("甲", 100.0), ("乙", 140.0), ("丙", 180.0)],
    );
    pieces.extend(row(14.0, &[("一、很长的标签", 0.0)]));
    pieces.extend(row(21.0, &[("1", 100.0), ("2", 140.0), ("3", 180.0)]));
    pieces.extend(row(28.0, &[("续", 0.0)]));
    pieces.extend(row(
        42.0,
        &[("二", 0.0), ("4", 100.0), ("5", 140.0), ("6", 180.0)],
    ));
    pieces.extend(row(
        56.0,
        &[("三", 0.0), ("7", 100.0), ("8", 140.0), ("9", 180.0)],
    ));
    let t = &find_tables(&pieces, &[])[0];
    assert_eq!(
        grid_text(t),
        vec![
            vec!["项目", "甲", "乙", "丙"],
            vec!["一、很长的标签\n续", "1", "2", "3"],
            vec!["二", "4", "5", "6"],
            vec!["三", "7", "8", "9"],
        ]
    );
}

#[test]
fn prose_and_a_signature_line_are_no_table() {
    let mut pieces = Vec::new();
    for i in 0..8 {
        pieces.push(piece(
            "本报告中所列数据的统计期限自2023年1月1日起至12月31日止。",
            0.0,
            i as f32 * 14.0,
        ));
    }
    pieces.extend(row(
        130.0,
        &[
            ("青川市东湖区人民政府办公室", 0.0),
            ("2024年1月26日", 300.0),
        ],
    ));
    pieces.extend(row(
        144.0,
        &[("联系人：张三", 0.0), ("电话：0532-88886666", 300.0)],
    ));
    assert!(find_tables(&pieces, &[]).is_empty());
}

#[test]
fn rules_bound_a_three_line_table() {
    // A line of the same size just above the top rule is not the table's.
    let mut pieces = row(0.0, &[("表二", 0.0)]);
    pieces.extend(row(20.0, &[("项目", 0.0), ("甲", 100.0), ("乙", 150.0)]));
    pieces.extend(row(34.0, &[("一", 0.0), ("1", 100.0), ("2", 150.0)]));
    pieces.extend(row(48.0, &[("二", 0.0), ("3", 100.0), ("4", 150.0)]));
    let rules = [
        Rule {
            y: 16.0,
            x0: 0.0,
            x1: 170.0,
        },
        Rule {
            y: 32.0,
            x0: 0.0,
            x1: 170.0,
        },
        Rule {
            y: 62.0,
            x0: 0.0,
            x1: 170.0,
        },
    ];
    let t = &find_tables(&pieces, &rules)[0];
    assert_eq!(t.rows, 3);
    assert_eq!(grid_text(t)[0], vec!["项目", "甲", "乙"]);
}

/// 表二's shape: blocks under titles centred over the value columns, which cross the gaps
/// between them on most lines; a label left without a figure (强制) stays a row of its own.
#[test]
fn titles_over_the_value_columns_keep_the_columns() {
    let mut pieces = Vec::new();
    let mut y = 0.0;
    let mut line = |cells: &[(&str, f32)]| {
        pieces.extend(row(y, cells));
        y += 14.0;
    };
    line(&[("第二十条第一项", 115.0)]);
    line(&[
        ("信息内容", 0.0),
        ("制发件数", 100.0),
        ("废止件数", 160.0),
        ("有效件数", 220.0),
    ]);
    line(&[("规章", 0.0), ("1", 118.0), ("2", 178.0), ("3", 238.0)]);
    line(&[("文件", 0.0), ("4", 118.0), ("5", 178.0), ("6", 238.0)]);
    line(&[("第二十条第五项", 115.0)]);
    line(&[("信息内容", 0.0), ("处理决定数量", 130.0)]);
    line(&[("许可", 0.0), ("7", 178.0)]);
    line(&[("第二十条第六项", 115.0)]);
    line(&[("信息内容", 0.0), ("处理决定数量", 130.0)]);
    line(&[("处罚", 0.0), ("8", 178.0)]);
    line(&[("强制", 0.0)]);
    line(&[("第二十条第八项", 115.0)]);
    line(&[("信息内容", 0.0), ("收费金额", 150.0)]);
    line(&[("收费", 0.0), ("9.5", 170.0)]);
    let t = &find_tables(&pieces, &[])[0];
    assert_eq!(t.cols, 4);
    let g = grid_text(t);
    assert!(g.contains(&vec![
        "规章".to_string(),
        "1".into(),
        "2".into(),
        "3".into()
    ]));
    let coercion = g
        .iter()
        .position(|r| r[0] == "强制")
        .unwrap_or_else(|| panic!("{g:?}"));
    assert!(g[coercion][1..].iter().all(String::is_empty), "{g:?}");
    assert!(
        g[coercion + 1].contains(&"第二十条第八项".to_string()),
        "{g:?}"
    );
}

/// 表四's shape: figures only, no label column, and a group header centred over its five
/// columns whose first character happens to sit over the start of the second cell below.
#[test]
fn a_centred_group_header_over_a_table_of_figures_spans_its_columns() {
    let leaf = |c: usize| c as f32 * 40.0 + 10.0;
    let mut pieces = row(0.0, &[("一二三四五六七八九十", 50.0)]);
    pieces.extend((0..5).map(|c| piece("结果", leaf(c), 14.0)));
    for y in [28.0, 42.0] {
        pieces.extend((0..5).map(|c| piece(&c.to_string(), leaf(c) + 5.0, y)));
    }
    let t = &find_tables(&pieces, &[])[0];
    assert_eq!(t.cols, 5);
    let group = t
        .cells
        .iter()
        .find(|c| c.text == "一二三四五六七八九十")
        .unwrap_or_else(|| panic!("{:?}", grid_text(t)));
    assert_eq!((group.slot.col, group.slot.colspan), (0, 5));
    assert_eq!(grid_text(t)[t.rows - 1], vec!["0", "1", "2", "3", "4"]);
}
