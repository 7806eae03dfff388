//! Batch behaviour end to end through the CLI: determinism across job counts, shard + merge,
//! the database (export byte for byte, incremental skip, resume), and `compare` over several
//! offices and years with planted findings.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use support::report::{build_standard, t3_with_carry, ReportSpec, V};

use support::nianbao;

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn assert_same_csv(a: &Path, b: &Path) {
    for f in support::OUTPUT_CSVS {
        let (x, y) = (
            std::fs::read(a.join(f)).expect("csv"),
            std::fs::read(b.join(f)).expect("csv"),
        );
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

fn inputs() -> Vec<String> {
    let dir = support::fixtures_dir();
    vec![
        dir.join("samples").to_string_lossy().into_owned(),
        dir.join("broken").to_string_lossy().into_owned(),
    ]
}

fn extract(out: &Path, extra: &[&str]) -> (i32, String) {
    let mut args: Vec<&str> = vec!["extract"];
    let ins = inputs();
    args.extend(ins.iter().map(String::as_str));
    args.extend(["--out", s(out)]);
    args.extend(extra);
    nianbao(&args)
}

#[test]
fn one_job_and_two_jobs_write_identical_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    assert_eq!(extract(&a, &["--jobs", "1"]).0, 1);
    assert_eq!(extract(&b, &["--jobs", "2"]).0, 1);
    assert_same_csv(&a, &b);
}

#[test]
fn shards_merged_equal_the_whole_run() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    extract(&whole, &[]);
    let mut parts = Vec::new();
    for k in 1..=3 {
        let part = tmp.path().join(format!("part{k}"));
        extract(&part, &["--shard", &format!("{k}/3")]);
        parts.push(part);
    }
    // Every file is in exactly one shard.
    let count = |dir: &Path| {
        std::fs::read_to_string(dir.join("reports.csv"))
            .unwrap()
            .lines()
            .count()
            - 1
    };
    assert_eq!(parts.iter().map(|p| count(p)).sum::<usize>(), count(&whole));
    let merged = tmp.path().join("merged");
    let mut args = vec!["merge"];
    args.extend(parts.iter().map(|p| s(p)));
    args.extend(["--out", s(&merged)]);
    assert_eq!(nianbao(&args).0, 0);
    assert_same_csv(&whole, &merged);
}

#[test]
fn database_export_incremental_and_resume() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    extract(&whole, &[]);

    // An interrupted run: only the first shard got into the database before it stopped.
    let db = tmp.path().join("store.sqlite");
    let first = tmp.path().join("first");
    extract(&first, &["--db", s(&db), "--shard", "1/2"]);
    let first_count = std::fs::read_to_string(first.join("reports.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;

    // The next run picks up where it stopped: what is stored is not read again.
    let resumed = tmp.path().join("resumed");
    let (_, log) = extract(&resumed, &["--db", s(&db)]);
    assert!(
        log.contains(&format!("({first_count} unchanged)")),
        "expected {first_count} unchanged files: {log}"
    );
    assert_same_csv(&whole, &resumed);

    // Everything is stored now; export reproduces extract's CSV byte for byte.
    let exported = tmp.path().join("exported");
    assert_eq!(
        nianbao(&["export", "--db", s(&db), "--out", s(&exported)]).0,
        0
    );
    assert_same_csv(&whole, &exported);
    let total = std::fs::read_to_string(whole.join("reports.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    let (_, log) = extract(&tmp.path().join("again"), &["--db", s(&db)]);
    assert!(log.contains(&format!("({total} unchanged)")), "{log}");
    // --force reads everything again.
    let (_, log) = extract(&tmp.path().join("forced"), &["--db", s(&db), "--force"]);
    assert!(log.contains("(0 unchanged)"), "{log}");
}

/// Text that shares no 8-character run with another seed's text.
fn unique_text(seed: u64, chars: usize) -> String {
    const POOL: &str = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经之进着等部度家电力里如水化高自理起小物现实加量都体制机当使点从业本去把性好应开它合还因由其些然前外天政日那社义事平形相全表间样与关各重新线内数正心反明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领海口东导器压志世金增争济阶油思术极交受联什认共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严";
    let pool: Vec<char> = POOL.chars().collect();
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut out = String::new();
    for i in 0..chars {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        out.push(pool[((x >> 33) % pool.len() as u64) as usize]);
        if i % 40 == 39 {
            out.push('。');
        }
    }
    out.push('。');
    out
}

/// One office-year of the planted collection.
fn report(office: &str, year: i32, carry: ([u32; 6], [u32; 6]), in_force: u32) -> ReportSpec {
    let mut spec = ReportSpec::standard();
    spec.office = office.to_string();
    spec.year = year;
    spec.published = (year + 1, 1, 20);
    spec.t3 = t3_with_carry(carry.0, carry.1);
    // 规范性文件: 5 issued, 2 repealed each year; the stock carries over.
    spec.t2[3] = V::n(5);
    spec.t2[4] = V::n(2);
    spec.t2[5] = V::n(in_force);
    let seed = office.chars().map(|c| c as u64).sum::<u64>() * 10_000 + year as u64 * 10;
    for (i, section) in spec.sections.iter_mut().enumerate() {
        let text = unique_text(seed + i as u64, 160);
        section.intro = vec![text.clone()];
        section.subs.clear();
        section.outro.clear();
        section.known = text.chars().take(20).collect();
    }
    spec
}

#[test]
fn compare_finds_exactly_the_planted_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let reports = tmp.path().join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    let write = |name: &str, spec: &ReportSpec| {
        std::fs::write(reports.join(name), build_standard(spec)).unwrap();
    };
    let c0 = [1, 1, 0, 0, 0, 0];
    let c1 = [2, 0, 0, 1, 0, 0];
    let c2 = [3, 1, 0, 0, 0, 0];
    // 东湖区: three years; 2024 carries in 4 natural persons where 2023 carried out 3, and its
    // overview copies 2023's.
    let a22 = report("青川市东湖区人民政府办公室", 2022, (c0, c1), 34);
    let a23 = report("青川市东湖区人民政府办公室", 2023, (c1, c2), 37);
    let mut a24 = report(
        "青川市东湖区人民政府办公室",
        2024,
        ([4, 1, 0, 0, 0, 0], c0),
        40,
    );
    a24.sections[0].intro = a23.sections[0].intro.clone();
    a24.sections[0].known = a23.sections[0].known.clone();
    write("a2022.docx", &a22);
    write("a2023.docx", &a23);
    write("a2024.docx", &a24);
    // 西山区: no report for 2023; its 2022 表四 review total does not add up (as 洪泽区 2023's).
    let mut b22 = report("青川市西山区人民政府", 2022, (c0, c1), 10);
    b22.t4[4] = V::n(5);
    write("b2022.docx", &b22);
    write(
        "b2024.docx",
        &report("青川市西山区人民政府", 2024, (c1, c2), 16),
    );
    // 南湖: renamed from 镇 to 街道 in 2023; the alias file joins the two names.
    write(
        "c2022.docx",
        &report("青川市南湖镇人民政府", 2022, (c0, c1), 20),
    );
    write(
        "c2023.docx",
        &report("青川市南湖街道办事处", 2023, (c1, c2), 23),
    );
    write(
        "c2024.docx",
        &report("青川市南湖街道办事处", 2024, (c2, c0), 26),
    );
    let aliases = tmp.path().join("aliases.csv");
    std::fs::write(
        &aliases,
        "old,new\n青川市南湖镇人民政府,青川市南湖街道办事处\n",
    )
    .unwrap();

    let out = tmp.path().join("out");
    let db = tmp.path().join("db.sqlite");
    assert_eq!(
        nianbao(&["extract", s(&reports), "--out", s(&out), "--db", s(&db)]).0,
        0
    );

    // In-year: only the planted 表四 total fails.
    let checks = read_csv(&out.join("checks.csv"));
    let failed: Vec<(String, String, String)> = checks
        .iter()
        .filter(|r| r["status"] == "fail")
        .map(|r| (r["office"].clone(), r["year"].clone(), r["check"].clone()))
        .collect();
    assert_eq!(
        failed,
        vec![(
            "青川市西山区人民政府".to_string(),
            "2022".to_string(),
            "t4.block_total".to_string()
        )]
    );
    let reports_csv = read_csv(&out.join("reports.csv"));
    let west = reports_csv
        .iter()
        .find(|r| r["office"] == "青川市西山区人民政府" && r["year"] == "2022")
        .unwrap();
    assert_eq!(west["checks_failed"], "1");

    for (label, args) in [
        ("folder", vec![s(&out).to_string()]),
        ("db", vec!["--db".to_string(), s(&db).to_string()]),
    ] {
        let cmp = tmp.path().join(format!("cmp-{label}"));
        let mut argv = vec!["compare".to_string()];
        argv.extend(args);
        argv.extend([
            "--out".into(),
            s(&cmp).into(),
            "--aliases".into(),
            s(&aliases).into(),
        ]);
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let (code, log) = nianbao(&argv);
        assert_eq!(code, 0, "{log}");

        let yoy = read_csv(&cmp.join("yoy.csv"));
        let failed: BTreeSet<(String, String, String)> = yoy
            .iter()
            .filter(|r| r["status"] == "fail")
            .map(|r| (r["office"].clone(), r["year"].clone(), r["metric"].clone()))
            .collect();
        let east = "青川市东湖区人民政府办公室".to_string();
        assert_eq!(
            failed,
            BTreeSet::from([
                (
                    east.clone(),
                    "2024".into(),
                    "carry_over.natural_person".into()
                ),
                (east.clone(), "2024".into(), "carry_over.total".into()),
            ]),
            "{label}"
        );
        // The carry-over and stock checks ran for every consecutive pair.
        let passed = yoy
            .iter()
            .filter(|r| r["metric"] == "in_force.normative_docs" && r["status"] == "pass")
            .count();
        assert_eq!(passed, 4, "{label}: 东湖 ×2, 南湖 ×2 (joined by the alias)");

        let copied: Vec<(String, String, String)> = read_csv(&cmp.join("text_similarity.csv"))
            .iter()
            .filter(|r| r["copied"] == "yes")
            .map(|r| (r["office"].clone(), r["year"].clone(), r["section"].clone()))
            .collect();
        assert_eq!(
            copied,
            vec![(east.clone(), "2024".into(), "overview".into())],
            "{label}"
        );

        let missing: Vec<(String, String)> = read_csv(&cmp.join("missing.csv"))
            .iter()
            .map(|r| (r["office"].clone(), r["year"].clone()))
            .collect();
        assert_eq!(
            missing,
            vec![("青川市西山区人民政府".to_string(), "2023".to_string())],
            "{label}"
        );

        let wide = read_csv(&cmp.join("wide.csv"));
        assert_eq!(wide.len(), 8, "{label}: one row per report");
        let new_total = t3_with_carry(c0, c1)[0][6].num();
        assert_eq!(
            wide[0]["t3.new.total"],
            new_total.to_string(),
            "{label}: a2022"
        );
    }
}

fn read_csv(path: &PathBuf) -> Vec<std::collections::HashMap<String, String>> {
    let bytes = std::fs::read(path).unwrap();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("BOM");
    let mut r = csv::Reader::from_reader(bytes);
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect()
}
