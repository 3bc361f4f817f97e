//! An upload bandwidth limit (`dkcloud upload --bwlimit`): one budget for
//! every request body of the process, whatever the number of transfers at
//! once, as rclone's `--bwlimit` is a total. Set by a front end: the CLI
//! before a run, the plugin from its setting (and again when the user changes
//! it, for the transfers already running too); unset, bodies go as fast as the
//! network takes them.
//!
//! The limit is one rate, or a timetable of rates by local time of day
//! (`08:00,512K 23:00,off`, as rclone writes it): each entry holds from its
//! time until the next one's, the last one past midnight until the first.
//!
//! Each piece of a body (at most 256 KiB) waits until the pieces before it,
//! of any transfer, have had their time at the rate: N bytes take at least
//! (N - one piece) / rate.

use super::Activity;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// A rate in bytes per second, or none (`off`: no limit).
pub(crate) type Rate = Option<u64>;

/// Rates by time of day: (minutes after midnight, rate), sorted by time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BandwidthTable(Vec<(u32, Rate)>);

impl BandwidthTable {
    /// One rate all day.
    pub fn constant(bytes_per_second: u64) -> Self {
        Self(vec![(0, Some(bytes_per_second.max(1)))])
    }

    /// `RATE`, or entries `HH:MM,RATE` separated by spaces, where RATE is
    /// what `rate` reads or `off`.
    pub fn parse(text: &str, rate: impl Fn(&str) -> Result<u64, String>) -> Result<Self, String> {
        let text = text.trim();
        if !text.contains(',') {
            return if text.eq_ignore_ascii_case("off") { Ok(Self(vec![(0, None)])) } else { Ok(Self::constant(rate(text)?)) };
        }
        let mut entries = Vec::new();
        for entry in text.split_whitespace() {
            let (time, value) = entry
                .split_once(',')
                .ok_or_else(|| format!("'{entry}' is not HH:MM,RATE (e.g. 08:00,512K or 23:00,off)"))?;
            let minutes = time
                .split_once(':')
                .and_then(|(h, m)| Some((h.parse::<u32>().ok()?, m.parse::<u32>().ok()?)))
                .filter(|(h, m)| *h < 24 && *m < 60 && time.len() <= 5)
                .map(|(h, m)| h * 60 + m)
                .ok_or_else(|| format!("'{time}' is not a time of day (HH:MM)"))?;
            let value = if value.eq_ignore_ascii_case("off") { None } else { Some(rate(value)?.max(1)) };
            if entries.iter().any(|(at, _)| *at == minutes) {
                return Err(format!("{time} is given twice"));
            }
            entries.push((minutes, value));
        }
        entries.sort_by_key(|(at, _)| *at);
        Ok(Self(entries))
    }

    /// The rate in force `minutes` after midnight.
    pub fn rate_at(&self, minutes: u32) -> Rate {
        let latest = self.0.iter().rev().find(|(at, _)| *at <= minutes).or(self.0.last());
        latest.and_then(|(_, rate)| *rate)
    }
}

struct Limit {
    table: BandwidthTable,
    /// When the budget is free for the next piece.
    next: Option<Instant>,
}

static LIMIT: Mutex<Option<Limit>> = Mutex::new(None);

/// Limits every request body of this process by `table` from now on, or lifts
/// the limit (`None`); a later call replaces an earlier one.
pub fn limit_uploads(table: Option<BandwidthTable>) {
    *LIMIT.lock().unwrap_or_else(|p| p.into_inner()) = table.map(|table| Limit { table, next: None });
}

fn minutes_now() -> u32 {
    use chrono::Timelike;
    let now = chrono::Local::now();
    now.hour() * 60 + now.minute()
}

/// Waits until `len` more bytes may go out; the wait counts as activity for
/// the watchdog (the server is not stalled, the budget is spent).
pub(super) async fn throttle(len: usize, activity: &Activity) {
    let start = {
        let mut limit = LIMIT.lock().unwrap_or_else(|p| p.into_inner());
        let Some(limit) = limit.as_mut() else { return };
        let Some(bytes_per_second) = limit.table.rate_at(minutes_now()) else { return };
        let now = Instant::now();
        let start = limit.next.map_or(now, |n| n.max(now));
        limit.next = Some(start + Duration::from_secs_f64(len as f64 / bytes_per_second as f64));
        start
    };
    while Instant::now() < start {
        activity.touch();
        tokio::time::sleep_until(start.min(Instant::now() + Duration::from_secs(5))).await;
    }
    activity.touch();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kib(s: &str) -> Result<u64, String> {
        s.strip_suffix('K').and_then(|n| n.parse::<u64>().ok()).map(|n| n * 1024).ok_or_else(|| format!("bad {s}"))
    }

    #[test]
    fn a_timetable_holds_each_rate_until_the_next_and_wraps_past_midnight() {
        let t = BandwidthTable::parse("23:00,off 08:00,512K 12:30,64K", kib).unwrap();
        assert_eq!(t.rate_at(7 * 60 + 59), None, "before 08:00 the 23:00 entry of the day before holds");
        assert_eq!(t.rate_at(8 * 60), Some(512 * 1024));
        assert_eq!(t.rate_at(12 * 60 + 29), Some(512 * 1024));
        assert_eq!(t.rate_at(12 * 60 + 30), Some(64 * 1024));
        assert_eq!(t.rate_at(23 * 60), None);
        assert_eq!(BandwidthTable::parse("10K", kib).unwrap().rate_at(0), Some(10 * 1024));
        assert_eq!(BandwidthTable::parse("off", kib).unwrap().rate_at(600), None);
    }

    #[test]
    fn malformed_timetables_are_refused() {
        for bad in ["25:00,1K", "08:00", "8h,1K", "08:00,fast", "08:00,1K 08:00,2K", "08:60,1K"] {
            assert!(BandwidthTable::parse(bad, kib).is_err(), "{bad}");
        }
    }
}
