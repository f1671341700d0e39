//! HTTP dates and `Retry-After`, without a date library. The one parser of
//! both: the JS layer reaches it through the `retryAfterSeconds` export.

use super::encode::{parse_decimal, split_bytes};

/// Full names: the obsolete RFC 850 form spells the weekday out, the others
/// use its first three letters.
const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAY_MS: f64 = 86_400_000.0;

/// Parses an HTTP-date to epoch milliseconds, in each of the three forms RFC
/// 9110 §5.6.7 requires recipients to accept:
/// - IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT` (zone `GMT`, or `UTC` /
///   `+0000`, which senders get wrong);
/// - obsolete RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT`, whose two-digit year
///   is the latest one not more than 50 years after `now_ms` (the RFC's rule);
/// - ANSI C asctime `Sun Nov  6 08:49:37 1994`.
///
/// Names are case-insensitive and runs of spaces count as one; the weekday
/// must be a day name (either length) but is not cross-checked.
pub fn parse_http_date(s: &str, now_ms: f64) -> Option<f64> {
    let mut parts = s.split_ascii_whitespace();
    let first = parts.next()?;
    let (weekday, asctime) = match first.strip_suffix(",") {
        Some(weekday) => (weekday, false),
        None => (first, true),
    };
    DAYS.iter()
        .any(|d| {
            let short = d.as_bytes().get(..3).unwrap_or_default();
            d.eq_ignore_ascii_case(weekday) || short.eq_ignore_ascii_case(weekday.as_bytes())
        })
        .then_some(())?;
    let (day, month, year, clock);
    if asctime {
        month = month_number(parts.next()?)?;
        day = number(parts.next()?, 1..=2)?;
        clock = parts.next()?;
        year = number(parts.next()?, 4..=4)?;
    } else {
        let date = parts.next()?;
        let mut date2 = split_bytes(date, b"-");
        if let (Some(d), Some(m), Some(y), None) =
            (date2.next(), date2.next(), date2.next(), date2.next())
        {
            (day, month) = (number(d, 2..=2)?, month_number(m)?);
            year = two_digit_year(number(y, 2..=2)?, now_ms);
        } else {
            day = number(date, 1..=2)?;
            month = month_number(parts.next()?)?;
            year = number(parts.next()?, 4..=4)?;
        }
        clock = parts.next()?;
        ["GMT", "UTC", "+0000"]
            .contains(&parts.next()?)
            .then_some(())?;
    }
    let mut clock = split_bytes(clock, b":");
    let mut clock_part = || number(clock.next()?, 2..=2);
    let (hour, minute, second) = (clock_part()?, clock_part()?, clock_part()?);
    let valid = clock.next().is_none()
        && parts.next().is_none()
        && (1..=days_in_month(year, month)).contains(&day)
        && hour < 24
        && minute < 60
        && second <= 60; // leap second
    let seconds =
        days_from_civil(year, month as i64, day) * 86_400 + hour * 3_600 + minute * 60 + second;
    valid.then_some(seconds as f64 * 1000.0)
}

/// `Retry-After` (RFC 9110 §10.2.3) in seconds from `now_ms`: delay-seconds
/// (ASCII digits) as is, or an HTTP-date turned into whole seconds from now
/// (rounded up, at least 0). Anything else, a sign or a fraction included, is
/// `None`: the header is ignored.
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<f64> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return parse_decimal(value).map(|n| n as f64);
    }
    parse_http_date(value, now_ms).map(|at| ceil((at - now_ms) / 1000.0).max(0.0))
}

fn month_number(name: &str) -> Option<usize> {
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(name))
        .map(|i| i + 1)
}

/// RFC 9110 §5.6.7: a two-digit year that would be more than 50 years in the
/// future is the most recent past year with the same last two digits.
fn two_digit_year(yy: i64, now_ms: f64) -> i64 {
    let latest = year_of_day((now_ms / DAY_MS) as i64) + 50;
    latest - (latest - yy).rem_euclid(100)
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

/// The proleptic Gregorian year of a day since 1970-01-01 (Hinnant's
/// `civil_from_days`, year part).
fn year_of_day(days: i64) -> i64 {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    // Months count from March: January and February belong to the next year.
    yoe + era * 400 + i64::from(doy >= 306)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1994-11-06T08:49:37Z, the RFC's example instant.
    const RFC_EXAMPLE: f64 = 784_111_777_000.0;
    /// 2026-12-02T00:00:00Z.
    const NOW: f64 = 1_796_169_600_000.0;

    fn date(s: &str) -> Option<f64> {
        parse_http_date(s, NOW)
    }

    #[test]
    fn imf_fixdate() {
        assert_eq!(date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(RFC_EXAMPLE));
        assert_eq!(date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0.0));
        assert_eq!(date("Wed, 31 Dec 1969 23:59:59 UTC"), Some(-1000.0));
        assert_eq!(
            date("Tue, 29 Feb 2000 12:00:00 +0000"),
            Some(951_825_600_000.0)
        );
        assert_eq!(
            date("Sat, 01 Mar 2025 00:00:00 GMT"),
            Some(1_740_787_200_000.0)
        );
        assert_eq!(
            date("  mon,  1 jan 2024 00:00:00 GMT "),
            Some(1_704_067_200_000.0)
        );
        // Virtuous `.expires`
        assert_eq!(
            date("Fri, 15 Mar 2024 14:30:00 GMT"),
            Some(1_710_513_000_000.0)
        );
        assert_eq!(date("Wed, 02 Dec 2026 00:00:00 GMT"), Some(NOW));
    }

    #[test]
    fn obsolete_rfc850() {
        assert_eq!(date("Sunday, 06-Nov-94 08:49:37 GMT"), Some(RFC_EXAMPLE));
        assert_eq!(date("sunday, 06-nov-94 08:49:37 GMT"), Some(RFC_EXAMPLE));
        assert_eq!(date("Sun, 06-Nov-94 08:49:37 GMT"), Some(RFC_EXAMPLE));
        // Two-digit years: at most 50 years after now (2026), else a century back.
        let year = |yy: &str, now: f64| {
            let text = ["Thursday, 01-Jan-", yy, " 00:00:00 GMT"].concat();
            parse_http_date(&text, now).map(|ms| year_of_day((ms / DAY_MS) as i64))
        };
        assert_eq!(year("26", NOW), Some(2026));
        assert_eq!(year("76", NOW), Some(2076));
        assert_eq!(year("77", NOW), Some(1977));
        assert_eq!(year("00", NOW), Some(2000));
        assert_eq!(year("99", NOW), Some(1999));
        // Near a century's end the window crosses it: 2090 → 2101..2140.
        let in_2090 = 3_786_912_000_000.0;
        assert_eq!(year("01", in_2090), Some(2101));
        assert_eq!(year("41", in_2090), Some(2041));
        assert_eq!(year("20", 0.0), Some(2020));
        assert_eq!(year("21", 0.0), Some(1921));
    }

    #[test]
    fn asctime() {
        assert_eq!(date("Sun Nov  6 08:49:37 1994"), Some(RFC_EXAMPLE));
        assert_eq!(date("Sun Nov 06 08:49:37 1994"), Some(RFC_EXAMPLE));
        assert_eq!(date("sun nov 6 08:49:37 1994"), Some(RFC_EXAMPLE));
        assert_eq!(date("Thu Feb 29 00:00:00 2024"), Some(1_709_164_800_000.0));
    }

    #[test]
    fn years_of_days() {
        for (days, year) in [
            (0, 1970),
            (-1, 1969),
            (58, 1970),
            (59, 1970),
            (364, 1970),
            (365, 1971),
            (10_957, 2000),
            (20_789, 2026),
        ] {
            assert_eq!(year_of_day(days), year, "{days}");
        }
        for year in [1900, 1969, 1970, 2000, 2024, 2100, 2400] {
            for (m, d) in [(1, 1), (2, 29), (3, 1), (12, 31)] {
                assert_eq!(year_of_day(days_from_civil(year, m, d)), year);
            }
        }
    }

    #[test]
    fn rejects_bad_dates() {
        let bad = [
            "",
            "Sun 06 Nov 1994 08:49:37 GMT",
            "Foo, 06 Nov 1994 08:49:37 GMT",
            "Su, 06 Nov 1994 08:49:37 GMT",
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
            // RFC 850
            "Sunday, 06-Nov-1994 08:49:37 GMT",
            "Sunday, 6-Nov-94 08:49:37 GMT",
            "Sunday, 06-Nov-94-1 08:49:37 GMT",
            "Sunday, 06-Nov 08:49:37 GMT",
            "Sunday, 31-Nov-94 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37",
            "Sunday, 06-Nov-94 08:49:37 PST",
            "Sundays, 06-Nov-94 08:49:37 GMT",
            // asctime
            "Sun Nov  6 08:49:37 94",
            "Sun Nov  6 08:49:37 1994 GMT",
            "Sun Nov 31 08:49:37 1994",
            "Sun 6 Nov 08:49:37 1994",
            "Sun Nov  6 08:49:37",
            "Sun Nov 006 08:49:37 1994",
        ];
        for b in bad {
            assert_eq!(date(b), None, "{b}");
        }
    }

    #[test]
    fn retry_after() {
        let now = RFC_EXAMPLE;
        assert_eq!(parse_retry_after("120", now), Some(120.0));
        assert_eq!(parse_retry_after(" 0 ", now), Some(0.0));
        assert_eq!(parse_retry_after("007", now), Some(7.0));
        for later in [
            "Sun, 06 Nov 1994 08:51:37 GMT",
            "Sunday, 06-Nov-94 08:51:37 GMT",
            "Sun Nov  6 08:51:37 1994",
        ] {
            assert_eq!(parse_retry_after(later, now), Some(120.0), "{later}");
            // Whole seconds, rounded up.
            assert_eq!(parse_retry_after(later, now + 500.0), Some(120.0));
        }
        // A date in the past: retry now.
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(0.0)
        );
        for bad in [
            "",
            " ",
            "-1",
            "-0",
            "1.5",
            "+3",
            "soon",
            "1e3",
            "12 s",
            "0x10",
            "99999999999999999999999",
            "Sun, 06 Nov 1994 08:51:37",
        ] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
    }
}
