//! Standard 5-field cron schedules (minute hour day-of-month month
//! day-of-week, with `*`, lists, ranges, steps, month and weekday names,
//! and `@hourly`-style macros), as robfig/cron parses them for CronJobs.
//! Like Vixie cron, when both day fields are restricted a day matching
//! either one fires. A small parser instead of a crate: the `cron` crate
//! wants a seconds field and numbers weekdays from 1.

use chrono::{DateTime, Datelike, Duration, TimeZone, Timelike, Utc};

/// Why a schedule does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unparseable schedule {schedule:?}: {reason}")]
pub struct ScheduleError {
    pub schedule: String,
    pub reason: String,
}

/// A parsed schedule: the allowed values of each field as bit sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    minutes: u64,
    hours: u64,
    days: u64,
    months: u64,
    weekdays: u64,
    /// Day-of-month or day-of-week was `*` (then only the other counts).
    days_star: bool,
    weekdays_star: bool,
}

const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

impl Schedule {
    /// Parses a 5-field expression or a macro.
    pub fn parse(expr: &str) -> Result<Self, ScheduleError> {
        let err = |reason: &str| ScheduleError {
            schedule: expr.to_string(),
            reason: reason.to_string(),
        };
        let expanded = match expr.trim() {
            "@yearly" | "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" | "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            other => other,
        };
        let fields: Vec<&str> = expanded.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(err(&format!(
                "expected exactly 5 fields, found {}",
                fields.len()
            )));
        }
        let field = |i: usize, min: u32, max: u32, names: &[&str]| {
            parse_field(fields[i], min, max, names).map_err(|r| err(&r))
        };
        let mut weekdays = field(4, 0, 7, WEEKDAYS)?;
        if weekdays & (1 << 7) != 0 {
            weekdays = (weekdays | 1) & !(1 << 7);
        }
        Ok(Self {
            minutes: field(0, 0, 59, &[])?,
            hours: field(1, 0, 23, &[])?,
            days: field(2, 1, 31, &[])?,
            months: field(3, 1, 12, MONTHS)?,
            weekdays,
            days_star: fields[2].starts_with('*') || fields[2].starts_with('?'),
            weekdays_star: fields[4].starts_with('*') || fields[4].starts_with('?'),
        })
    }

    /// The first time strictly after `after` (whole minutes) that matches,
    /// in `tz_offset` (the schedule's time zone as a fixed offset).
    pub fn next_after<Tz: TimeZone>(&self, after: DateTime<Utc>, tz: &Tz) -> Option<DateTime<Utc>> {
        let mut t = after.with_timezone(tz);
        t = t.clone()
            - Duration::seconds(i64::from(t.second()))
            - Duration::nanoseconds(i64::from(t.nanosecond()))
            + Duration::minutes(1);
        // Five years of minutes at most; impossible dates (Feb 30) end it.
        for _ in 0..(5 * 366 * 24 * 60) {
            if self.months & (1 << t.month()) == 0 {
                let first_next = if t.month() == 12 {
                    tz.with_ymd_and_hms(t.year() + 1, 1, 1, 0, 0, 0)
                } else {
                    tz.with_ymd_and_hms(t.year(), t.month() + 1, 1, 0, 0, 0)
                };
                t = first_next.earliest()?;
                continue;
            }
            if !self.day_matches(t.day(), t.weekday().num_days_from_sunday()) {
                t = (t.clone() + Duration::days(1))
                    .with_hour(0)
                    .and_then(|t| t.with_minute(0))?;
                continue;
            }
            if self.hours & (1 << t.hour()) == 0 {
                t = (t.clone() + Duration::hours(1)).with_minute(0)?;
                continue;
            }
            if self.minutes & (1 << t.minute()) == 0 {
                t += Duration::minutes(1);
                continue;
            }
            return Some(t.with_timezone(&Utc));
        }
        None
    }

    fn day_matches(&self, day: u32, weekday: u32) -> bool {
        let dom = self.days & (1 << day) != 0;
        let dow = self.weekdays & (1 << weekday) != 0;
        if self.days_star || self.weekdays_star {
            dom && dow
        } else {
            dom || dow
        }
    }
}

fn parse_field(field: &str, min: u32, max: u32, names: &[&str]) -> Result<u64, String> {
    let mut bits = 0u64;
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().map_err(|_| format!("bad step {s:?}"))?),
            None => (part, 1),
        };
        if step == 0 {
            return Err("step of zero".into());
        }
        let (lo, hi) = if range == "*" || range == "?" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            (value(a, names, min)?, value(b, names, min)?)
        } else {
            let v = value(range, names, min)?;
            (v, if part.contains('/') { max } else { v })
        };
        if lo < min || hi > max || lo > hi {
            return Err(format!("{part:?} is outside {min}-{max}"));
        }
        let mut v = lo;
        while v <= hi {
            bits |= 1 << v;
            v += step;
        }
    }
    Ok(bits)
}

fn value(s: &str, names: &[&str], min: u32) -> Result<u32, String> {
    if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
        return Ok(i as u32 + min);
    }
    s.parse().map_err(|_| format!("bad value {s:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn next(expr: &str, after: &str) -> String {
        let s = Schedule::parse(expr).unwrap();
        crate::clock::format_time(s.next_after(at(after), &Utc).unwrap())
    }

    #[test]
    fn common_schedules() {
        assert_eq!(
            next("*/5 * * * *", "2025-01-01T10:02:30Z"),
            "2025-01-01T10:05:00Z"
        );
        assert_eq!(
            next("*/5 * * * *", "2025-01-01T10:05:00Z"),
            "2025-01-01T10:10:00Z"
        );
        assert_eq!(
            next("@hourly", "2025-01-01T10:02:00Z"),
            "2025-01-01T11:00:00Z"
        );
        assert_eq!(
            next("30 2 * * *", "2025-01-01T10:00:00Z"),
            "2025-01-02T02:30:00Z"
        );
        assert_eq!(
            next("0 0 1 */3 *", "2025-01-15T00:00:00Z"),
            "2025-04-01T00:00:00Z"
        );
        assert_eq!(
            next("0 9 * * mon-fri", "2025-01-03T10:00:00Z"),
            "2025-01-06T09:00:00Z"
        );
        assert_eq!(
            next("0 0 * * 7", "2025-01-01T00:00:00Z"),
            "2025-01-05T00:00:00Z"
        );
        assert_eq!(
            next("15,45 * * * *", "2025-01-01T10:20:00Z"),
            "2025-01-01T10:45:00Z"
        );
        assert_eq!(
            next("0 0 29 feb *", "2025-01-01T00:00:00Z"),
            "2028-02-29T00:00:00Z"
        );
    }

    #[test]
    fn restricted_day_fields_are_ored() {
        // The 13th, or any Friday.
        assert_eq!(
            next("0 0 13 * 5", "2025-01-01T00:00:00Z"),
            "2025-01-03T00:00:00Z"
        );
    }

    #[test]
    fn time_zones_shift_the_schedule() {
        let s = Schedule::parse("0 9 * * *").unwrap();
        let tz = chrono::FixedOffset::east_opt(2 * 3600).unwrap();
        let t = s.next_after(at("2025-01-01T00:00:00Z"), &tz).unwrap();
        assert_eq!(crate::clock::format_time(t), "2025-01-01T07:00:00Z");
    }

    #[test]
    fn bad_schedules_are_rejected() {
        for bad in [
            "* * * *",
            "61 * * * *",
            "*/0 * * * *",
            "a b c d e",
            "5-1 * * * *",
        ] {
            assert!(Schedule::parse(bad).is_err(), "{bad}");
        }
    }
}
