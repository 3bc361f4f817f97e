//! `--expires`: an RFC 3339 time, a date (the end of that day, UTC), or a
//! duration from now (`30m`, `12h`, `7d`, `2w`). A time that is not in the
//! future is refused, as a usage error.

use chrono::{DateTime, Duration, NaiveDate, Utc};

pub(crate) fn parse(text: &str) -> Result<DateTime<Utc>, String> {
    parse_at(text, Utc::now())
}

fn parse_at(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let t = text.trim();
    let at = if let Ok(time) = DateTime::parse_from_rfc3339(t) {
        time.with_timezone(&Utc)
    } else if let Ok(day) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        let end = day.and_hms_opt(23, 59, 59).ok_or_else(|| format!("'{t}' is not a usable date"))?;
        end.and_utc()
    } else {
        now + duration(t).ok_or_else(|| {
            format!("'{t}' is not a time: give 2026-12-31, 2026-12-31T18:00:00+01:00, or a duration such as 7d")
        })?
    };
    if at <= now {
        return Err(format!("'{t}' is not in the future"));
    }
    Ok(at)
}

/// `30m`, `12h`, `7d`, `2w`.
fn duration(t: &str) -> Option<Duration> {
    let unit = t.chars().last()?;
    let n: i64 = t[..t.len() - unit.len_utf8()].parse().ok().filter(|n| *n > 0)?;
    match unit {
        'm' => Duration::try_minutes(n),
        'h' => Duration::try_hours(n),
        'd' => Duration::try_days(n),
        'w' => Duration::try_weeks(n),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiries_are_times_dates_or_durations_in_the_future() {
        let now = DateTime::parse_from_rfc3339("2026-06-01T12:00:00Z").unwrap().with_timezone(&Utc);
        let at = |t| parse_at(t, now).map(|d| d.to_rfc3339());
        assert_eq!(at("2026-12-31T18:00:00+01:00").unwrap(), "2026-12-31T17:00:00+00:00");
        assert_eq!(at("2026-12-31").unwrap(), "2026-12-31T23:59:59+00:00");
        assert_eq!(at("7d").unwrap(), "2026-06-08T12:00:00+00:00");
        assert_eq!(at("12h").unwrap(), "2026-06-02T00:00:00+00:00");
        assert!(at("2026-05-31").unwrap_err().contains("not in the future"));
        assert!(at("2020-01-01T00:00:00Z").is_err());
        for bad in ["tomorrow", "0d", "-3d", "7y", "", "2026-13-01"] {
            assert!(at(bad).is_err(), "{bad}");
        }
    }
}
