use super::Date;
pub fn publish_date(_lines: &[String]) -> Option<Date> {
    None
}
pub fn statistical_period(_lines: &[String], _year: Option<i32>) -> Option<(Date, Date)> {
    None
}
