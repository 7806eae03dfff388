//! Administrative region from an office name, where the name says it:
//! 威海市文登区天福街道办事处 → (—, 威海市, 文登区, 天福街道).

use std::sync::LazyLock;

use regex::Regex;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Region {
    pub province: Option<String>,
    pub city: Option<String>,
    pub county: Option<String>,
    pub township: Option<String>,
}

static REGION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?P<province>北京市|天津市|上海市|重庆市|[^市县区省]{2,3}省|[^市县区]{2,7}自治区)?(?P<city>[^市县区省]{1,6}?(?:自治州|地区|盟|市))?(?P<county>[^市县区省]{1,6}?(?:自治县|新区|区|县|旗|市))?(?P<township>[^市县区省]{1,8}?(?:街道|镇|乡|苏木))?",
    )
    .expect("static regex")
});

/// Compiles the pattern now rather than at the first report (see [`super::compile_patterns`]).
pub(super) fn compile_patterns() {
    LazyLock::force(&REGION);
}

/// Splits the leading region names off an office name. A municipality (北京市 …) is both the
/// province and the city.
pub fn split_region(office: &str) -> Region {
    let office: String = office.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(caps) = REGION.captures(&office) else {
        return Region::default();
    };
    let get = |n: &str| caps.name(n).map(|m| m.as_str().to_string());
    let mut region = Region {
        province: get("province"),
        city: get("city"),
        county: get("county"),
        township: get("township"),
    };
    if region.city.is_none()
        && matches!(
            region.province.as_deref(),
            Some("北京市" | "天津市" | "上海市" | "重庆市")
        )
    {
        region.city = region.province.clone();
    }
    region
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(p: Option<&str>, c: Option<&str>, k: Option<&str>, t: Option<&str>) -> Region {
        Region {
            province: p.map(str::to_string),
            city: c.map(str::to_string),
            county: k.map(str::to_string),
            township: t.map(str::to_string),
        }
    }

    #[test]
    fn regions_come_from_the_office_name() {
        assert_eq!(
            split_region("威海市文登区天福街道办事处"),
            r(None, Some("威海市"), Some("文登区"), Some("天福街道"))
        );
        assert_eq!(
            split_region("淮安市洪泽区人民政府"),
            r(None, Some("淮安市"), Some("洪泽区"), None)
        );
        assert_eq!(
            split_region("上海市普陀区万里街道办事处"),
            r(
                Some("上海市"),
                Some("上海市"),
                Some("普陀区"),
                Some("万里街道")
            )
        );
        assert_eq!(
            split_region("山东省威海市文登区人民政府"),
            r(Some("山东省"), Some("威海市"), Some("文登区"), None)
        );
        assert_eq!(split_region("国家金融监督管理总局"), Region::default());
    }
}
