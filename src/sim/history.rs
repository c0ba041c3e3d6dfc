//! The household's past, played through the same [`World`] the live sim runs on: overnight
//! sessions the schedule starts at 00:00 and stops at 06:00, cph50's 06:00 start when a car is
//! not full yet, and now and then a daytime top-up. About one session a day.

use chrono::{DateTime, Days, Duration, NaiveDate, NaiveTime, Utc};

use super::mix;
use super::session::Car;
use super::world::World;
use crate::clock::local_to_utc;
use crate::demo::rng::Rng;

/// Plays `days` local days of history, ending with the day before `start`'s local date.
pub(crate) fn replay(w: &mut World, days: u32, start: DateTime<Utc>) {
    let tz = w.tz;
    let today = start.with_timezone(&tz).date_naive();
    let mut rng = Rng::new(mix(w.seed, 0x4157));
    let at = |d: NaiveDate, h: u32, m: i64, rng: &mut Rng| {
        let time = NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(NaiveTime::MIN);
        local_to_utc(tz, d.and_time(time)) + Duration::seconds(m * 60 + rng.int(0, 59))
    };
    for back in (1..=u64::from(days)).rev() {
        let Some(day) = today.checked_sub_days(Days::new(back)) else {
            continue;
        };
        let Some(eve) = day.pred_opt() else { continue };
        if rng.chance(0.85) {
            let car = pick(&mut rng);
            let need = if rng.chance(0.05) {
                0.0003 // plugged in full: a session with next to no energy
            } else {
                rng.range(8.0, 70.0).min(car.profile().battery_kwh * 0.9)
            };
            let plug = at(eve, 19 + rng.int(0, 2) as u32, rng.int(0, 59), &mut rng);
            w.advance_to(plug);
            let _ = w.plug(car, need, plug);
            // the schedule starts it at 00:00 and stops it at 06:00
            let six = at(day, 6, 0, &mut rng);
            w.advance_to(six);
            if w.plugged.is_some_and(|p| p.need_kwh > 1.0) && rng.chance(0.8) {
                // cph50's daily start continues what the schedule left unfinished
                w.advance_to(six + Duration::seconds(rng.int(1, 40)));
                let begun = six + Duration::seconds(rng.int(41, 60));
                w.advance_to(begun);
                w.begin_session(begun);
            }
            let unplug = at(day, 7, rng.int(0, 100), &mut rng);
            w.advance_to(unplug);
            w.unplug(unplug);
        }
        if rng.chance(0.08) {
            let car = pick(&mut rng);
            let need = rng.range(2.0, 9.0);
            let plug = at(day, 12 + rng.int(0, 4) as u32, rng.int(0, 59), &mut rng);
            w.advance_to(plug);
            let _ = w.plug(car, need, plug);
            let begun = plug + Duration::seconds(rng.int(5, 60));
            w.advance_to(begun);
            w.begin_session(begun);
            let full = w
                .current
                .and_then(|id| w.sessions.get(&id))
                .map_or(0.0, |s| s.charge_s());
            let stay = (full as i64 + rng.int(60, 900)).min(rng.int(1800, 2700));
            let unplug = begun + Duration::seconds(stay);
            w.advance_to(unplug);
            w.unplug(unplug);
        }
    }
}

/// A car for one night: the two household cars about equally, now and then a guest.
fn pick(rng: &mut Rng) -> Car {
    match rng.unit() {
        u if u < 0.45 => Car::Equinox,
        u if u < 0.90 => Car::Xc40,
        _ => Car::Guest,
    }
}
