//! HTTP dates (RFC 9110 IMF-fixdate / RFC 1123) and `Retry-After`, without a
//! date library.

use super::encode::{parse_decimal, split_bytes};

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Parses `Sun, 06 Nov 1994 08:49:37 GMT` (zone `GMT`, `UTC` or `+0000`) to
/// epoch milliseconds. The weekday must be a day name but is not cross-checked.
pub fn parse_http_date(s: &str) -> Option<f64> {
    let mut parts = s.split_ascii_whitespace();
    let weekday = parts.next()?.strip_suffix(",")?;
    DAYS.iter()
        .any(|d| d.eq_ignore_ascii_case(weekday))
        .then_some(())?;
    let day = number(parts.next()?, 1..=2)?;
    let month_name = parts.next()?;
    let month = MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(month_name))?
        + 1;
    let year = number(parts.next()?, 4..=4)?;
    let mut clock = split_bytes(parts.next()?, b":");
    let mut clock_part = || number(clock.next()?, 2..=2);
    let (hour, minute, second) = (clock_part()?, clock_part()?, clock_part()?);
    let zone = parts.next()?;
    let valid = ["GMT", "UTC", "+0000"].contains(&zone)
        && clock.next().is_none()
        && parts.next().is_none()
        && (1..=days_in_month(year, month)).contains(&day)
        && hour < 24
        && minute < 60
        && second <= 60; // leap second
    let seconds =
        days_from_civil(year, month as i64, day) * 86_400 + hour * 3_600 + minute * 60 + second;
    valid.then_some(seconds as f64 * 1000.0)
}

/// `Retry-After` in seconds from now: a non-negative integer as is, or an HTTP
/// date turned into whole seconds from `now_ms` (rounded up, at least 0).
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<f64> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return parse_decimal(value).map(|n| n as f64);
    }
    parse_http_date(value).map(|at| ceil((at - now_ms) / 1000.0).max(0.0))
}

/// `f64::ceil`, which needs std. From 2^52 on every f64 is an integer, so
/// below that the truncating cast is exact; NaN and infinities pass through.
fn ceil(x: f64) -> f64 {
    const INTEGRAL: f64 = 4_503_599_627_370_496.0; // 2^52
    if !(x > -INTEGRAL && x < INTEGRAL) {
        return x;
    }
    let t = x as i64 as f64;
    if t < x {
        t + 1.0
    } else {
        t
    }
}

/// All-digit field of an allowed length.
fn number(s: &str, len: core::ops::RangeInclusive<usize>) -> Option<i64> {
    (len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())).then_some(())?;
    parse_decimal(s).map(|n| n as i64)
}

fn days_in_month(year: i64, month: usize) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777_000.0)
        );
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0.0));
        assert_eq!(
            parse_http_date("Wed, 31 Dec 1969 23:59:59 UTC"),
            Some(-1000.0)
        );
        assert_eq!(
            parse_http_date("Tue, 29 Feb 2000 12:00:00 +0000"),
            Some(951_825_600_000.0)
        );
        assert_eq!(
            parse_http_date("Sat, 01 Mar 2025 00:00:00 GMT"),
            Some(1_740_787_200_000.0)
        );
        assert_eq!(
            parse_http_date("  mon,  1 jan 2024 00:00:00 GMT "),
            Some(1_704_067_200_000.0)
        );
        // Virtuous `.expires`
        assert_eq!(
            parse_http_date("Fri, 15 Mar 2024 14:30:00 GMT"),
            Some(1_710_513_000_000.0)
        );
    }

    #[test]
    fn rejects_bad_dates() {
        let bad = [
            "",
            "Sun 06 Nov 1994 08:49:37 GMT",
            "Foo, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 06 Nov 1994 08:49:37 GMT x",
            "Sun, 06 Nov 94 08:49:37 GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 29 Feb 1900 08:49:37 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sun, 06 Nov 1994 8:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37:00 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, +6 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ];
        for b in bad {
            assert_eq!(parse_http_date(b), None, "{b}");
        }
    }

    #[test]
    fn retry_after() {
        let now = 784_111_777_000.0;
        assert_eq!(parse_retry_after("120", now), Some(120.0));
        assert_eq!(parse_retry_after(" 0 ", now), Some(0.0));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:51:37 GMT", now),
            Some(120.0)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:51:37 GMT", now + 500.0),
            Some(120.0)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(0.0)
        );
        for bad in ["", "-1", "1.5", "+3", "soon", "1e3"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
    }
}
