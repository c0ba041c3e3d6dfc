//! Identification under an amperage limit.
//!
//! A charger's amperage limit caps every car at about `amps × volts`: under a low enough limit
//! two cars that differ in steady power draw the same, and the curve's level no longer tells
//! them apart. The classifier learned each car's level from its usual sessions, so a curve at
//! the cap can be a car whose usual level is well above it, pushed down by the limit. This
//! module says when that can be the case; [`super::Identifier::identify`] then answers
//! `unknown` rather than the model's guess.
//!
//! The rule, for a curve of steady level `L` kW charged under a limit of `A` amperes:
//! - `L` is *a level the limit can hold a car at* when it lies within [`cap_band_kw`]`(A)`:
//!   from `A ×` [`MIN_VOLTS`] `×` [`MIN_DRAW`] to `A ×` [`MAX_VOLTS`] (a car draws at most the
//!   limit, and a little under it);
//! - a car *was held down by the limit* when its learned level is above what `A` delivers at
//!   any such voltage, `A ×` [`MAX_VOLTS`]: under `A` it cannot have charged at its usual level;
//! - when both hold for a car other than the one the model names, that car could have drawn
//!   `L` too, and the answer is `unknown`.
//!
//! A limit that only just reaches under a car's usual power (within the supply's voltage
//! range) is not taken as holding it down: the household's usual limit, under which the cars'
//! levels were learned, must not make every session `unknown`.

/// Lowest service voltage of a 240 V split-phase residential supply: 228 V, ANSI C84.1 Range A
/// (240 V − 5 %). The Home Flex is a 240 V charger.
pub const MIN_VOLTS: f64 = 228.0;

/// Highest service voltage of the same supply: 252 V, ANSI C84.1 Range A (240 V + 5 %).
pub const MAX_VOLTS: f64 = 252.0;

/// Share of the pilot's limit a car at the cap draws at least (on-board chargers regulate a
/// little under the offered current; 0.95 leaves room for a 32 A car drawing 30.4 A).
pub const MIN_DRAW: f64 = 0.95;

/// The steady levels (kW) a curve capped by a limit of `amps` amperes lies in: `amps × 228 V ×
/// 0.95` to `amps × 252 V`, see [`MIN_VOLTS`], [`MAX_VOLTS`] and [`MIN_DRAW`].
pub fn cap_band_kw(amps: u32) -> (f64, f64) {
    let a = f64::from(amps);
    (a * MIN_VOLTS * MIN_DRAW / 1000.0, a * MAX_VOLTS / 1000.0)
}

/// The cars, other than `named`, that a limit of `amps` amperes could have held down to a
/// curve of steady level `level_kw` (see the module documentation). `levels` are the candidate
/// cars' learned steady levels, kW, as `(vehicle id, level)`.
pub fn held_down<'a>(
    level_kw: f64,
    amps: u32,
    named: &str,
    levels: &'a [(String, f64)],
) -> Vec<&'a str> {
    let (low, high) = cap_band_kw(amps);
    if !(low..=high).contains(&level_kw) {
        return Vec::new();
    }
    levels
        .iter()
        .filter(|(id, level)| id != named && *level > high)
        .map(|(id, _)| id.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(list: &[(&str, f64)]) -> Vec<(String, f64)> {
        list.iter().map(|(id, l)| ((*id).to_owned(), *l)).collect()
    }

    #[test]
    fn the_band_spans_a_240_v_supply_and_a_car_drawing_a_little_under_the_limit() {
        let (low, high) = cap_band_kw(16);
        assert!((low - 3.4656).abs() < 1e-9 && (high - 4.032).abs() < 1e-9);
        // 16 A at 240 V, and at the band's ends
        assert!((low..=high).contains(&3.84));
        let (low40, _) = cap_band_kw(40);
        assert!(low40 > 8.6 && low40 < 8.7, "{low40}");
    }

    #[test]
    fn two_cars_capped_at_16_a_cannot_be_told_apart() {
        let l = levels(&[("equinox", 9.03), ("xc40", 8.72)]);
        assert_eq!(held_down(3.84, 16, "xc40", &l), ["equinox"]);
        assert_eq!(held_down(3.84, 16, "equinox", &l), ["xc40"]);
        // a curve well under what 16 A delivers: the limit did not bind
        assert!(held_down(3.0, 16, "xc40", &l).is_empty());
    }

    #[test]
    fn the_households_usual_40_a_limit_leaves_both_cars_apart() {
        let l = levels(&[("equinox", 9.03), ("xc40", 8.72)]);
        // 40 A delivers up to 10.08 kW: neither car is held under its usual level
        assert!(held_down(8.72, 40, "xc40", &l).is_empty());
        assert!(held_down(9.03, 40, "equinox", &l).is_empty());
    }

    #[test]
    fn a_car_under_the_cap_is_unknown_when_a_faster_car_is_held_down_to_it() {
        // 32 A: 6.93 to 8.06 kW; the Ioniq 5 charges at 7.20 on its own, the XC40 would be
        // held at about 7.68
        let l = levels(&[("ioniq5", 7.20), ("xc40", 8.72), ("model_y", 11.3)]);
        assert_eq!(held_down(7.20, 32, "ioniq5", &l), ["xc40", "model_y"]);
        assert_eq!(held_down(7.68, 32, "xc40", &l), ["model_y"]);
        // a car whose usual level 32 A still delivers is never held down
        assert!(held_down(7.68, 32, "model_y", &levels(&[("a", 7.9)])).is_empty());
    }
}
