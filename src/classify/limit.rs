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
//! - the cars' levels were learned under a *reference limit* `R` (the highest limit recorded
//!   on the sessions they were learned from, kept in the model and summary files): when
//!   `A ≥ R` the limit gives every car at least the current it was learned with, and the
//!   model's answer stands;
//! - otherwise (`A < R`, or no limit was recorded on the training sessions) `L` is *a level
//!   the limit can hold a car at* when it lies within [`cap_band_kw`]`(A)`: from `A ×`
//!   [`MIN_VOLTS`] `×` [`MIN_DRAW`] to `A ×` [`MAX_VOLTS`] (a car draws at most the limit, and
//!   a little under it);
//! - and a car *could have been held down to `L`* when its learned level is above `L` by more
//!   than [`level_slack_kw`]`(L)` (its own session-to-session spread);
//! - when both hold for a car other than the one the model names, the answer is `unknown`.

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

/// How far above a curve's level `level_kw` a car's learned level must be for the limit to
/// have held it down (kW): 2 % of the level, at least 0.15 kW, so a car's own
/// session-to-session spread is not taken for a limit.
pub fn level_slack_kw(level_kw: f64) -> f64 {
    (level_kw * 0.02).max(0.15)
}

/// The cars, other than `named`, that a limit of `amps` amperes could have held down to a
/// curve of steady level `level_kw`, when the cars' levels were learned under the reference
/// limit `reference` (`None`: not recorded; see the module documentation). `levels` are the
/// candidate cars' learned steady levels, kW, as `(vehicle id, level)`.
pub fn held_down<'a>(
    level_kw: f64,
    amps: u32,
    reference: Option<u32>,
    named: &str,
    levels: &'a [(String, f64)],
) -> Vec<&'a str> {
    if reference.is_some_and(|r| amps >= r) {
        return Vec::new();
    }
    let (low, high) = cap_band_kw(amps);
    if !(low..=high).contains(&level_kw) {
        return Vec::new();
    }
    let slack = level_slack_kw(level_kw);
    levels
        .iter()
        .filter(|(id, level)| id != named && *level > level_kw + slack)
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
        for reference in [None, Some(40)] {
            assert_eq!(held_down(3.84, 16, reference, "xc40", &l), ["equinox"]);
            assert_eq!(held_down(3.84, 16, reference, "equinox", &l), ["xc40"]);
            // a curve well under what 16 A delivers: the limit did not bind
            assert!(held_down(3.0, 16, reference, "xc40", &l).is_empty());
        }
    }

    #[test]
    fn the_limit_the_cars_were_learned_under_changes_nothing() {
        let l = levels(&[("equinox", 9.03), ("xc40", 8.72)]);
        assert!(held_down(8.72, 40, Some(40), "xc40", &l).is_empty());
        assert!(held_down(8.72, 48, Some(40), "xc40", &l).is_empty());
        // without a recorded reference, 40 A on a 228 V supply could hold the Equinox at
        // 8.72 kW
        assert_eq!(held_down(8.72, 40, None, "xc40", &l), ["equinox"]);
        // the faster car is never held up to its own level by a slower one
        assert!(held_down(9.03, 40, None, "equinox", &l).is_empty());
    }

    #[test]
    fn a_limit_just_under_a_cars_level_holds_it_onto_the_other_cars_level() {
        // 36 A: the Equinox (learned 9.03 kW under 40 A) held at 8.61 kW looks like the XC40
        let l = levels(&[("equinox", 9.03), ("xc40", 8.67)]);
        assert_eq!(held_down(8.61, 36, Some(40), "xc40", &l), ["equinox"]);
    }

    #[test]
    fn a_car_within_its_own_spread_is_not_taken_for_a_held_one() {
        let l = levels(&[("a", 7.60), ("b", 7.80)]);
        assert!(held_down(7.68, 32, None, "a", &l).is_empty());
        assert_eq!(held_down(7.55, 32, None, "a", &l), ["b"]);
    }
}
