//! The box a figure read from a picture carries (its location's `box x,y,w,h`, the review
//! page's `data-box`) points at the cell in the picture as stored — not in the picture as the
//! reader straightened it or put it upright. The standard report's tables are drawn by
//! `support::render`, which knows where it drew each cell; the picture is then pasted in as
//! drawn, turned 2° (`support::scan`) or photographed off a screen at an angle
//! (`support::photo`), and each cell's true place in the stored picture is the drawn cell pushed
//! through the same turn or camera; likewise the paragraphs OCR reads off page pictures turned
//! (in a .docx and in a PDF) or photographed on a desk, against the ink of the lines printed.
//! Needs the OCR models (`scripts/setup-models`) and fonts-wqy-microhei.

mod support;

use image::{DynamicImage, GrayImage, Luma};
use nianbao::pipeline::{process_bytes, Options};
use regex::Regex;
use support::page_scan::{PAGE_H, PAGE_W};
use support::photo::{photograph_in, seen_by, Ground, Shot};
use support::pictures::{pictured_docx, section_table};
use support::render::{cell_boxes, RenderStyle};
use support::report::ReportSpec;
use support::scan::{turned_point, Scan};

fn options() -> Options {
    Options::with_ocr(None).unwrap_or_else(|e| panic!("{e} — run scripts/setup-models"))
}

/// Where a point of the drawn picture (pixel coordinates) lies in the stored picture, given the
/// drawn picture's size.
type ToStored = dyn Fn((u32, u32), (f32, f32)) -> (f32, f32);
/// The drawn picture → the stored picture's bytes.
type Paste = dyn Fn(&GrayImage) -> Vec<u8>;

/// How the drawn table picture is pasted in, and where its pixels go.
struct Case {
    name: &'static str,
    picture: Box<Paste>,
    to_stored: Box<ToStored>,
    /// How far each side of a box may lie from the true cell's: the rules are a few pixels
    /// thick, and a photo's perspective is found from the screen's outline, not known.
    tolerance: f32,
}

fn png(img: &GrayImage) -> Vec<u8> {
    support::scan::encode(&DynamicImage::ImageLuma8(img.clone()), None)
}

/// The viewer's white page around a picture shown on a screen, and how it is photographed.
const SCREEN_MARGIN: u32 = 60;
const TURN_DEG: f32 = 2.0;

fn shot() -> Shot {
    Shot {
        tilt: (-6.0, 8.0),
        turn: -1.5,
        light: 0.8,
        blur: 0.7,
        jpeg: 80,
        seed: 7,
    }
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "drawn",
            picture: Box::new(png),
            to_stored: Box::new(|_, p| p),
            tolerance: 1.0,
        },
        Case {
            name: "turned 2°",
            picture: Box::new(|drawn| {
                let s = Scan {
                    angle_deg: TURN_DEG,
                    ..Scan::default()
                };
                support::scan::scan(drawn, &s, None)
            }),
            to_stored: Box::new(|size, p| turned_point(size, TURN_DEG, p)),
            tolerance: 3.0,
        },
        Case {
            name: "photographed off a screen",
            picture: Box::new(|drawn| {
                let m = SCREEN_MARGIN;
                let mut page = GrayImage::from_pixel(
                    drawn.width() + 2 * m,
                    drawn.height() + 2 * m,
                    Luma([255]),
                );
                image::imageops::replace(&mut page, drawn, i64::from(m), i64::from(m));
                let photo = photograph_in(&page, &shot(), (2000, 1500), Ground::Screen, 0.8);
                support::scan::encode(&DynamicImage::ImageRgb8(photo), Some(shot().jpeg))
            }),
            to_stored: Box::new(|(w, h), (x, y)| {
                let m = SCREEN_MARGIN;
                let camera = seen_by((w + 2 * m, h + 2 * m), &shot(), (2000, 1500), 0.8);
                // The photo samples pixel (i, j) at i + ½, j + ½.
                let (u, v) = camera * (x + (m as f32) + 0.5, y + (m as f32) + 0.5);
                (u - 0.5, v - 0.5)
            }),
            tolerance: 6.0,
        },
    ]
}

/// The report section whose table holds a metric.
fn section_of(metric: &str) -> &'static str {
    match metric.split('.').next() {
        Some("t2") => "active_disclosure",
        Some("t3") => "requests",
        Some("t4") => "review_litigation",
        _ => panic!("no picture holds {metric}"),
    }
}

/// Where the renderer drew each table: per section, the drawn picture's size and each cell's
/// grid slot and box.
struct Drawn(Vec<DrawnTable>);

/// A section, its drawn picture's size, and each cell's grid slot and box.
type DrawnTable = (&'static str, (u32, u32), Vec<((usize, usize), [u32; 4])>);

impl Drawn {
    fn of(spec: &ReportSpec) -> Drawn {
        let style = RenderStyle::default();
        Drawn(
            ["active_disclosure", "requests", "review_litigation"]
                .into_iter()
                .map(|section| {
                    let table = section_table(spec, section).expect("a statistical table");
                    let size = support::render::render_gray(&table, &style)
                        .expect("render")
                        .dimensions();
                    let boxes = cell_boxes(&table, &style).expect("boxes");
                    let cells = table
                        .placed()
                        .0
                        .into_iter()
                        .map(|c| (c.row, c.col))
                        .zip(boxes);
                    (section, size, cells.collect())
                })
                .collect(),
        )
    }

    /// Where the cell at `(row, col)` of a section's table lies in the stored picture: the
    /// centre and the box around its corners (`[x0, y0, x1, y1]`, pixels).
    fn place(
        &self,
        section: &str,
        at: (usize, usize),
        to_stored: &ToStored,
    ) -> Option<((f32, f32), [f32; 4])> {
        let (_, size, cells) = self.0.iter().find(|d| d.0 == section)?;
        let [x, y, w, h] = cells.iter().find(|c| c.0 == at)?.1;
        let pt = |px: f32, py: f32| to_stored(*size, (px, py));
        let centre = pt(
            x as f32 + (w as f32 - 1.0) / 2.0,
            y as f32 + (h as f32 - 1.0) / 2.0,
        );
        let (x0, y0) = (x as f32, y as f32);
        let (x1, y1) = (x0 + w as f32 - 1.0, y0 + h as f32 - 1.0);
        let corners = [pt(x0, y0), pt(x1, y0), pt(x1, y1), pt(x0, y1)];
        Some((centre, box_around(&corners)))
    }
}

/// The box `[x0, y0, x1, y1]` around points.
fn box_around(points: &[(f32, f32)]) -> [f32; 4] {
    points.iter().fold(
        [f32::MAX, f32::MAX, f32::MIN, f32::MIN],
        |[x0, y0, x1, y1], &(x, y)| [x0.min(x), y0.min(y), x1.max(x), y1.max(y)],
    )
}

/// How far the farthest side of one box `[x0, y0, x1, y1]` lies from the other's.
fn farthest_side(a: [f32; 4], b: [f32; 4]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f32::max)
}

/// `T3 r4c5 image I2 box 178,113,43,30` → ((3, 4), [178, 113, 43, 30]).
fn parse_location(location: &str) -> Option<((usize, usize), [u32; 4])> {
    let re = Regex::new(r"r(\d+)c(\d+) image I\d+ box (\d+),(\d+),(\d+),(\d+)").unwrap();
    let c = re.captures(location)?;
    let n = |i: usize| c[i].parse::<u32>().unwrap();
    Some((
        (n(1) as usize - 1, n(2) as usize - 1),
        [n(3), n(4), n(5), n(6)],
    ))
}

/// Each box against the cell's true place: it holds the cell's centre, and each of its sides
/// lies within `tolerance` of the side of the box around the cell's corners. Returns the
/// boxes that do not.
fn misplaced(
    drawn: &Drawn,
    case: &Case,
    boxes: &[(String, (usize, usize), [u32; 4])],
) -> Vec<String> {
    let mut bad = Vec::new();
    let mut worst = 0.0f32;
    for (metric, at, [x, y, w, h]) in boxes {
        let Some(((cx, cy), want)) = drawn.place(section_of(metric), *at, &case.to_stored) else {
            bad.push(format!("{metric}: no drawn cell at {at:?}"));
            continue;
        };
        let got = [*x as f32, *y as f32, (x + w - 1) as f32, (y + h - 1) as f32];
        let holds = (got[0]..=got[2]).contains(&cx) && (got[1]..=got[3]).contains(&cy);
        let off = farthest_side(got, want);
        worst = worst.max(off);
        if !holds || off > case.tolerance {
            bad.push(format!(
                "{metric} {at:?}: box {:?} where the cell lies at {want:?} (centre {cx:.0},{cy:.0})",
                [x, y, w, h]
            ));
        }
    }
    eprintln!(
        "{}: {} boxes, the farthest side {worst:.1} px from the true cell's",
        case.name,
        boxes.len()
    );
    bad
}

/// The figures' boxes, from the library's reading of the report.
#[test]
fn figures_point_at_their_cells_in_the_stored_picture() {
    let opts = options();
    let spec = ReportSpec::standard();
    let drawn = Drawn::of(&spec);
    let mut failures = Vec::new();
    for case in cases() {
        let bytes = pictured_docx(&spec, &|_| RenderStyle::default(), &|_, drawn| {
            (case.picture)(drawn)
        });
        let x = process_bytes(&bytes, &opts).expect("reads");
        let boxes: Vec<(String, (usize, usize), [u32; 4])> = x
            .report
            .figures
            .iter()
            .filter(|f| f.origin == "image")
            .filter_map(|f| {
                let (at, b) = parse_location(&f.location)?;
                Some((f.metric.0.clone(), at, b))
            })
            .collect();
        let want = spec.expected_figures().len();
        if boxes.len() * 100 < want * 99 {
            failures.push(format!(
                "{}: {} of {want} figures carry a picture box",
                case.name,
                boxes.len()
            ));
        }
        let bad = misplaced(&drawn, &case, &boxes);
        if !bad.is_empty() {
            failures.push(format!(
                "{}: {} of {} boxes off: {:#?}",
                case.name,
                bad.len(),
                boxes.len(),
                &bad[..bad.len().min(5)]
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The review page of the turned pictures, from the CLI: each figure's `data-box` (the box the
/// page draws on the stored picture) holds its cell.
#[test]
fn the_review_page_draws_each_box_on_its_cell() {
    let spec = ReportSpec::standard();
    let case = cases()
        .into_iter()
        .find(|c| c.name == "turned 2°")
        .expect("the turned case");
    let bytes = pictured_docx(&spec, &|_| RenderStyle::default(), &|_, drawn| {
        (case.picture)(drawn)
    });
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("turned.docx");
    std::fs::write(&input, bytes).unwrap();
    let (out, site) = (tmp.path().join("out"), tmp.path().join("site"));
    let s = |p: &std::path::Path| p.to_str().expect("utf-8 path").to_string();
    let (code, err) = support::nianbao(&["extract", &s(&input), "--out", &s(&out)]);
    assert_eq!(code, 0, "{err}");
    let (code, err) = support::nianbao(&["review", &s(&out), "--out", &s(&site)]);
    assert_eq!(code, 0, "{err}");
    let page = std::fs::read_dir(site.join("r"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "html"))
        .expect("the report's page");
    let html = std::fs::read_to_string(page).unwrap();
    let td = Regex::new(r"<td [^>]*data-box=[^>]*>").unwrap();
    let attr = |tag: &str, name: &str| {
        Regex::new(&format!(r#"\s{name}="([^"]*)""#))
            .unwrap()
            .captures(tag)
            .map(|c| c[1].to_string())
    };
    let mut boxes = Vec::new();
    for tag in td.find_iter(&html).map(|m| m.as_str()) {
        let metric = attr(tag, "data-metric").expect("data-metric");
        let (at, located) = parse_location(&attr(tag, "data-location").expect("data-location"))
            .expect("a picture location");
        let drawn: Vec<u32> = attr(tag, "data-box")
            .unwrap()
            .split(',')
            .map(|n| n.parse().unwrap())
            .collect();
        assert_eq!(drawn, located, "{metric}: data-box and location agree");
        boxes.push((metric, at, located));
    }
    // The review page shows the report's 200 figures; all were read from pictures.
    assert!(boxes.len() >= 190, "{} boxes on the page", boxes.len());
    let bad = misplaced(&Drawn::of(&spec), &case, &boxes);
    assert!(
        bad.is_empty(),
        "{} of {} boxes off: {:#?}",
        bad.len(),
        boxes.len(),
        &bad[..bad.len().min(5)]
    );
}

/// How the pages of the scanned report are turned.
const PAGE_TURNS: [f32; 5] = [2.0, -2.0, 1.5, -1.0, 0.6];

/// A report of page pictures — a .docx of them, and a PDF whose pages are only pictures —, each
/// page turned as a feeder turns it: each paragraph read by OCR keeps a box in the stored page
/// picture's pixels (for the PDF too: the page's picture, not points) that holds the printed
/// lines it was read from — where the renderer put their ink, pushed through the same turn.
#[test]
fn paragraphs_of_turned_scanned_pages_point_at_their_lines() {
    use support::page_scan::{png, render_pages, scan_docx_of, scan_pdf};
    let spec = ReportSpec::standard();
    let turned: Vec<GrayImage> = render_pages(&spec, false)
        .iter()
        .enumerate()
        .map(|(i, page)| {
            let s = Scan {
                angle_deg: PAGE_TURNS[i % PAGE_TURNS.len()],
                ..Scan::default()
            };
            support::scan::scan_pixels(page, &s, None).to_luma8()
        })
        .collect();
    let turn = |i: usize, p: (f32, f32)| {
        turned_point((PAGE_W, PAGE_H), PAGE_TURNS[i % PAGE_TURNS.len()], p)
    };
    let docx = scan_docx_of(turned.iter().map(png).collect());
    paragraph_boxes_hold_their_lines("docx", &docx, &turn);
    paragraph_boxes_hold_their_lines("pdf", &scan_pdf(&turned), &turn);
}

/// How a page is photographed for [`paragraphs_of_photographed_pages_point_at_their_lines`].
fn page_shot(i: usize) -> Shot {
    const TILTS: [(f32, f32); 2] = [(10.0, 4.0), (-8.0, -6.0)];
    Shot {
        tilt: TILTS[i % TILTS.len()],
        turn: PAGE_TURNS[i % PAGE_TURNS.len()] * 1.5,
        light: 0.7,
        blur: 0.8,
        jpeg: 80,
        seed: 40 + i as u64,
    }
}

/// The pages photographed on a desk at an angle: the paragraphs' boxes hold their lines in the
/// photo, where the camera saw them (its perspective found from the sheet's outline, not known).
#[test]
fn paragraphs_of_photographed_pages_point_at_their_lines() {
    use support::page_scan::{render_pages, scan_docx_of};
    use support::photo::{photo_jpeg, PHOTO_H, PHOTO_W};
    let pages = render_pages(&ReportSpec::standard(), false);
    let photos = pages
        .iter()
        .enumerate()
        .map(|(i, page)| photo_jpeg(page, &page_shot(i)))
        .collect();
    let camera = |i: usize, (x, y): (f32, f32)| {
        let seen = seen_by((PAGE_W, PAGE_H), &page_shot(i), (PHOTO_W, PHOTO_H), 0.85);
        // The photo samples pixel (i, j) at i + ½, j + ½.
        let (u, v) = seen * (x + 0.5, y + 0.5);
        (u - 0.5, v - 0.5)
    };
    paragraph_boxes_hold_their_lines("photos", &scan_docx_of(photos), &camera);
}

/// Each OCR'd paragraph of the report's pages (`bytes`) against the lines the renderer printed
/// on them, `to_stored(page index, point)` taking a point of a drawn page to the stored picture.
fn paragraph_boxes_hold_their_lines(
    name: &str,
    bytes: &[u8],
    to_stored: &dyn Fn(usize, (f32, f32)) -> (f32, f32),
) {
    use nianbao::model::Block;
    use support::page_scan::{layout, render_pages};
    let spec = ReportSpec::standard();
    let pages = render_pages(&spec, false);
    let printed = layout(&spec, false);
    let x = process_bytes(bytes, &options()).expect("reads");
    let paragraphs: Vec<_> = x
        .document
        .body
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) if p.confidence.is_some() => Some(p),
            _ => None,
        })
        .collect();
    let (mut held, mut tight, mut bad) = (0, 0, Vec::new());
    let mut worst = 0.0f32;
    for (i, (page, drawn)) in printed.iter().zip(&pages).enumerate() {
        let n = i as u32 + 1;
        // Each printed line's text and its ink on the drawn page, [x0, y0, x1, y1]: the pixels
        // darker than halfway to the paper in its band (the next line starts a pitch below).
        let lines: Vec<(&str, [f32; 4])> = page
            .lines
            .iter()
            .filter(|l| l.text.chars().count() >= 4)
            .filter_map(|l| {
                let band = l.y..(l.y + 46).min(PAGE_H);
                let ink: Vec<(u32, u32)> = band
                    .flat_map(|y| (0..PAGE_W).map(move |x| (x, y)))
                    .filter(|&(x, y)| drawn.get_pixel(x, y).0[0] < 134)
                    .collect();
                let lo = |f: fn(&(u32, u32)) -> u32| ink.iter().map(f).min();
                let hi = |f: fn(&(u32, u32)) -> u32| ink.iter().map(f).max();
                let b = [lo(|p| p.0)?, lo(|p| p.1)?, hi(|p| p.0)?, hi(|p| p.1)?];
                Some((l.text.as_str(), b.map(|v| v as f32)))
            })
            .collect();
        // Where a box of the drawn page lies once turned: the box around its turned corners.
        let turned = |[x0, y0, x1, y1]: [f32; 4]| {
            let at = |px: f32, py: f32| to_stored(i, (px, py));
            box_around(&[at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1)])
        };
        for p in paragraphs
            .iter()
            .filter(|p| p.page_box.is_some_and(|b| b.page == n))
        {
            let [bx, by, bw, bh] = p.page_box.expect("a box").rect;
            let got = [bx, by, bx + bw - 1.0, by + bh - 1.0];
            let mine: Vec<&(&str, [f32; 4])> =
                lines.iter().filter(|(t, _)| p.text.contains(t)).collect();
            for (t, b) in &mine {
                let b = turned(*b);
                let (cx, cy) = ((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0);
                if (got[0]..=got[2]).contains(&cx) && (got[1]..=got[3]).contains(&cy) {
                    held += 1;
                } else {
                    bad.push(format!(
                        "page {n} {t:?}: centre {cx:.0},{cy:.0} outside {got:?}"
                    ));
                }
            }
            // A paragraph read whole: its box is the box around its lines' ink on the upright
            // page, turned as the page was (the box around that box's turned corners; a short
            // last line leaves one of them without ink).
            let whole: String = mine.iter().map(|(t, _)| *t).collect();
            if mine.is_empty() || whole != p.text {
                continue;
            }
            let ink: Vec<(f32, f32)> = mine
                .iter()
                .flat_map(|(_, b)| [(b[0], b[1]), (b[2], b[3])])
                .collect();
            let want = turned(box_around(&ink));
            let off = farthest_side(got, want);
            worst = worst.max(off);
            // The detector's boxes hold the ink with up to 9 px to spare on an upright page (a
            // glyph's descent, the box's margin); turned 2° or photographed, and back, 12.
            if off > 14.0 {
                bad.push(format!(
                    "page {n} {:?}: box {got:?} around ink at {want:?}",
                    p.text
                ));
            } else {
                tight += 1;
            }
        }
    }
    eprintln!(
        "{name}: {} pages, {} paragraphs read by OCR; {held} printed lines inside their paragraph's \
         box; {tight} paragraphs read whole, their sides at most {worst:.1} px from their ink's",
        pages.len(),
        paragraphs.len()
    );
    assert!(
        bad.is_empty(),
        "{name}: {} off: {:#?}",
        bad.len(),
        &bad[..bad.len().min(6)]
    );
    assert!(
        held >= 28 && tight >= 15,
        "{name}: {held} lines, {tight} paragraphs checked"
    );
}

/// 表三 cut into two screenshots, the first turned 2° one way and the second photographed off a
/// screen turned and tilted the other: the two pieces are still taken for one table (the
/// recogniser compares their columns by the cells' boxes, now in each stored picture's pixels)
/// and give their figures.
#[test]
fn a_table_cut_over_two_damaged_pictures_is_still_joined() {
    use support::expect::figure_problems;
    use support::pictures::{pictures_docx_through, T3Pictures};
    let spec = ReportSpec::standard();
    let bytes = pictures_docx_through(
        &spec,
        &RenderStyle::default(),
        T3Pictures::SplitBare,
        &|n, png| {
            let drawn = image::load_from_memory(&png).expect("a picture").to_luma8();
            match n {
                2 => (cases()[1].picture)(&drawn),
                3 => (cases()[2].picture)(&drawn),
                _ => png,
            }
        },
    );
    let x = process_bytes(&bytes, &options()).expect("reads");
    assert!(
        x.report.warnings.iter().any(|w| w.contains("T2+T3")),
        "a note says the tables were joined: {:?}",
        x.report.warnings
    );
    let expected = support::pictures::expected_split(&spec);
    let problems = figure_problems(&x.report.figures, &expected.figures, expected.origin);
    assert!(problems.len() <= 2, "{problems:#?}");
}
