//! Contact details: address, postcode, phones (normalised to `0631-8985998`), fax, e-mail and
//! website, from labelled fields in the body (text boxes are already there) and the furniture.

use std::sync::LazyLock;

use regex::Regex;

use super::text::{compact, furniture_lines};
use super::Contacts;
use crate::model::Document;

/// Field labels, longest first (the regex takes the first alternative that matches).
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        "(邮箱地址|网站地址|网址地址|通讯地址|通信地址|联系地址|办公地址|地址|邮政编码|邮编\
         |联系电话|咨询电话|办公电话|服务电话|监督电话|举报电话|热线电话|电话号码|电话|热线\
         |传真号码|传真|电子邮箱|电子信箱|电子邮件|邮箱|(?i:e-?mail)|门户网站|网址|网站)",
    )
    .expect("valid regex")
});
static PHONE_TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[0-9(][0-9()\-]{5,}[0-9]").expect("valid regex"));
static POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:邮编|邮政编码)[:：为是]?([0-9]{6})(?:[^0-9]|$)").expect("valid regex")
});
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
        .expect("valid regex")
});
static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:https?://)?(?:[a-z0-9\-]+\.)+(?:cn|com|net|org|gov|edu)(?::[0-9]+)?(?:/[A-Za-z0-9./\-_%?=&#~]*)?",
    )
    .expect("valid regex")
});

/// Compiles the patterns now rather than at the first report (see [`super::compile_patterns`]).
pub(super) fn compile_patterns() {
    for re in [&LABEL, &PHONE_TOKEN, &POSTCODE, &EMAIL, &URL] {
        LazyLock::force(re);
    }
}

/// A labelled field: the label and the text up to the next label or the end of the sentence.
fn fields(line: &str) -> Vec<(&str, &str)> {
    let labels: Vec<_> = LABEL.find_iter(line).collect();
    let mut out = Vec::new();
    for (i, m) in labels.iter().enumerate() {
        let end = labels.get(i + 1).map_or(line.len(), |n| n.start());
        let mut value = &line[m.end()..end];
        if let Some(cut) = value.find(['。', ';', '；']) {
            value = &value[..cut];
        }
        let value = value.trim_start_matches(['/', '、', '及', '和']);
        out.push((m.as_str(), value));
    }
    // `电话/传真：…`: the phone label owns the value of the fax label right after it
    for i in 0..out.len().saturating_sub(1) {
        if out[i].1.is_empty() && out[i].0.contains("电话") && out[i + 1].0.contains("传真") {
            out[i].1 = out[i + 1].1;
        }
    }
    // A value never ends in a colon: one before the next label is its separator misread (a
    // blurred `；` in a scanned page reads as `：`).
    out.into_iter()
        .map(|(l, v)| {
            let v = v.trim_start_matches([':', '：', '为', '是']);
            (l, v.trim_end_matches([':', '：']))
        })
        .collect()
}

/// Normalises the phone numbers in a text: `0631-8985998`, mobiles as they are.
pub fn phones_in(text: &str) -> Vec<String> {
    let t = compact(text);
    let mut out: Vec<String> = Vec::new();
    let mut last_area: Option<String> = None;
    for m in PHONE_TOKEN.find_iter(&t) {
        let tok = m.as_str();
        let digits: String = tok.chars().filter(char::is_ascii_digit).collect();
        let parens = match (tok.find('('), tok.find(')')) {
            (Some(o), Some(c)) if o < c => Some((o, c)),
            _ => None,
        };
        let (area, number) = if let Some((o, c)) = parens {
            let area: String = tok[o..c].chars().filter(char::is_ascii_digit).collect();
            let rest: String = tok[c..].chars().filter(char::is_ascii_digit).collect();
            (Some(area), rest)
        } else if let Some((a, rest)) = tok
            .split_once('-')
            .filter(|(a, _)| a.starts_with('0') && (3..=4).contains(&a.len()))
        {
            (Some(a.to_string()), rest.to_string())
        } else if digits.starts_with('1') && digits.len() == 11 {
            (None, digits.clone())
        } else if digits.starts_with('0') && (10..=12).contains(&digits.len()) {
            let n = if digits.starts_with("010") || digits.starts_with("02") {
                3
            } else {
                4
            };
            (Some(digits[..n].to_string()), digits[n..].to_string())
        } else if (7..=8).contains(&digits.len()) {
            (last_area.clone(), digits.clone())
        } else {
            continue;
        };
        let phone = match &area {
            Some(a) if !a.is_empty() => {
                last_area = Some(a.clone());
                format!("{a}-{number}")
            }
            _ => number,
        };
        if !out.contains(&phone) {
            out.push(phone);
        }
    }
    out
}

fn website_in(text: &str) -> Option<String> {
    URL.find(text)
        .map(|m| m.as_str().trim_end_matches(['.', '/']).to_string())
        .filter(|u| !u.contains('@'))
}

/// Finds contact details in body lines, then in the furniture.
pub fn find_contacts(doc: &Document, lines: &[String]) -> Contacts {
    let mut c = Contacts::default();
    let all: Vec<String> = lines
        .iter()
        .map(|l| compact(l))
        .chain(furniture_lines(doc).iter().map(|l| compact(l)))
        .collect();
    for line in &all {
        for (label, value) in fields(line) {
            match label {
                l if l.contains("地址")
                    && !l.contains("邮箱")
                    && !l.contains("网")
                    && c.address.is_none() =>
                {
                    let end = value
                        .find([',', '，', '(', ')', '、'])
                        .unwrap_or(value.len());
                    let a = &value[..end];
                    if a.chars().count() >= 4 && !a.contains('@') {
                        c.address = Some(a.to_string());
                    }
                }
                l if l.contains("电话") || l == "热线" => {
                    for p in phones_in(value) {
                        if !c.phones.contains(&p) {
                            c.phones.push(p);
                        }
                    }
                }
                l if l.contains("传真") && c.fax.is_none() => {
                    c.fax = phones_in(value).into_iter().next();
                }
                l if l.contains("网") && c.website.is_none() => {
                    c.website = website_in(value);
                }
                _ => {}
            }
        }
        if c.postcode.is_none() {
            c.postcode = POSTCODE.captures(line).map(|m| m[1].to_string());
        }
        if c.email.is_none() {
            c.email = EMAIL.find(line).map(|m| m.as_str().to_string());
        }
    }
    if c.website.is_none() {
        c.website = all.iter().find_map(|l| {
            (l.contains("http") || l.contains("www."))
                .then(|| website_in(l))
                .flatten()
        });
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognise::testutil::{lines_doc, para, SEED};

    fn run(text: &str) -> Contacts {
        let d = lines_doc(text);
        let lines = super::super::text::body_lines(&d);
        find_contacts(&d, &lines)
    }

    #[test]
    fn seed() {
        let c = run(SEED);
        assert_eq!(
            c,
            Contacts {
                address: Some("威海市文登区天福路218号".into()),
                postcode: None,
                phones: vec!["0631-8985998".into()],
                fax: None,
                email: None,
                website: Some("http://www.wendeng.gov.cn".into()),
            }
        );
    }

    #[test]
    fn phone_shapes() {
        for (text, want) in [
            ("0631—8985998", vec!["0631-8985998"]),
            ("0631–8985998", vec!["0631-8985998"]),
            ("0631－8985998", vec!["0631-8985998"]),
            ("0631 8985998", vec!["0631-8985998"]),
            ("（0631）8985998", vec!["0631-8985998"]),
            ("(0631)8985998", vec!["0631-8985998"]),
            ("06318985998", vec!["0631-8985998"]),
            ("01065432100", vec!["010-65432100"]),
            ("02887654321", vec!["028-87654321"]),
            ("13812345678", vec!["13812345678"]),
            ("8985998)(0631", vec![]),
            ("０６３１－８９８５９９８", vec!["0631-8985998"]),
            (
                "0631-8985998、8985997，13812345678",
                vec!["0631-8985998", "0631-8985997", "13812345678"],
            ),
        ] {
            assert_eq!(phones_in(text), want, "{text}");
        }
    }

    #[test]
    fn labelled_fields() {
        let c = run("联系地址：某某市某某路1号（邮编：264400），联系电话：0631-1234567，传真：0631-7654321，电子邮箱：gk＠example.gov.cn，网址：www.wendeng.gov.cn。");
        assert_eq!(c.address.as_deref(), Some("某某市某某路1号"));
        assert_eq!(c.postcode.as_deref(), Some("264400"));
        assert_eq!(c.phones, vec!["0631-1234567"]);
        assert_eq!(c.fax.as_deref(), Some("0631-7654321"));
        assert_eq!(c.email.as_deref(), Some("gk@example.gov.cn"));
        assert_eq!(c.website.as_deref(), Some("www.wendeng.gov.cn"));

        let c = run("通讯地址：北京市西城区某某街5号\n邮政编码：100032\n电话/传真：(010)66001234\n咨询电话：010 6600 5678");
        assert_eq!(c.address.as_deref(), Some("北京市西城区某某街5号"));
        assert_eq!(c.postcode.as_deref(), Some("100032"));
        assert_eq!(c.phones, vec!["010-66001234", "010-66005678"]);
        assert_eq!(c.fax.as_deref(), Some("010-66001234"));
    }

    #[test]
    fn furniture_is_searched() {
        let mut d = lines_doc("正文。");
        d.furniture = vec![para(
            "办公电话：0631-5201314 网站：https://www.example.gov.cn/xxgk/",
        )];
        let lines = super::super::text::body_lines(&d);
        let c = find_contacts(&d, &lines);
        assert_eq!(c.phones, vec!["0631-5201314"]);
        assert_eq!(
            c.website.as_deref(),
            Some("https://www.example.gov.cn/xxgk")
        );
    }

    #[test]
    fn a_separator_misread_as_a_colon_is_not_part_of_the_address() {
        let c = run("联系（地址：青川市东湖区人民路88号：邮编：266100：电话：0532-88886666）");
        assert_eq!(c.address.as_deref(), Some("青川市东湖区人民路88号"));
        assert_eq!(c.postcode.as_deref(), Some("266100"));
        assert_eq!(c.phones, ["0532-88886666"]);
    }
}
