//! `cargo bench --bench classify`: how well and how fast the vehicle classifier works.
//!
//! Five synthetic cars (two of them only 0.3 kW apart in steady power) with realistic noise,
//! ramps, partial capture windows, short top-ups and tapers near full; a sixth car is left out
//! of training and must come out `unknown`. Prints held-out accuracy, open-set rejection,
//! accuracy against the number of samples and on sparse `update_data`-style curves, the real
//! fixture sessions, and the time to classify one session and to train on 1,000.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stdout)]

use std::path::Path;
use std::time::Instant;

use cph50::classify::Curve as PowerCurve;
use cph50::classify::features::{self, Source};
use cph50::classify::model::{self, Example, Loaded};
use cph50::classify::{Classifier, DEFAULT_MIN_CONFIDENCE, Identifier};
use cph50::demo::profiles::{Curve, Profile};
use cph50::demo::rng::Rng;
use cph50::store::records::VehicleConfig;

const TRAIN_PER_CAR: usize = 200;
const TEST_PER_CAR: usize = 200;

fn car(id: &'static str, kw: f64, noise: f64, dip: (f64, f64, f64), ramp: (f64, f64)) -> Profile {
    Profile {
        vehicle_id: Some(id),
        steady_kw: kw,
        steady_sd_kw: 0.03,
        noise_sd_kw: noise,
        dip,
        ramp_s: ramp,
        battery_kwh: 75.0,
    }
}

fn cars() -> Vec<Profile> {
    vec![
        car("equinox", 9.03, 0.12, (0.0, 0.0, 0.0), (15.0, 40.0)),
        car("xc40", 8.72, 0.25, (0.10, 1.0, 2.5), (45.0, 95.0)),
        car("ioniq5", 7.20, 0.06, (0.0, 0.0, 0.0), (60.0, 120.0)),
        // only 0.3 kW above the Ioniq 5
        car("bolt", 7.50, 0.08, (0.0, 0.0, 0.0), (20.0, 40.0)),
        car("model_y", 11.30, 0.10, (0.0, 0.0, 0.0), (5.0, 15.0)),
    ]
}

/// The car left out of training.
fn stranger() -> Profile {
    car("kona", 8.10, 0.05, (0.0, 0.0, 0.0), (30.0, 60.0))
}

/// One session: its 30 × 10 s samples and its sparse update_data, both as (s, kW) points.
type Points = Vec<(f64, f64)>;

fn session(p: &Profile, rng: &mut Rng) -> (Points, Points) {
    capped_session(p, f64::INFINITY, rng)
}

/// A session charged under an amperage limit that delivers at most `cap_kw`: the car's steady
/// power is held at the cap when it would draw more, its noise and dips stay.
fn capped_session(p: &Profile, cap_kw: f64, rng: &mut Rng) -> (Points, Points) {
    let steady = rng.normal(p.steady_kw, p.steady_sd_kw).min(cap_kw);
    let ramp = rng.range(p.ramp_s.0, p.ramp_s.1);
    let kind = rng.unit();
    let (want, full) = if kind < 0.15 {
        (rng.range(0.3, 1.5), false) // short top-up: a few minutes, then unplugged
    } else if kind < 0.3 {
        (rng.range(2.0, 6.0), true) // near full: tapers in its last minutes
    } else {
        (rng.range(6.0, 50.0), false)
    };
    let curve = Curve::for_energy(steady, ramp, want, full);
    // 60 %: sampling starts with the session (`monitor --collect` saw it start); 40 %: a
    // partial window that starts when a later poll notices the session, up to 10 minutes in
    // (the monitor's schedule) and while the car still charges, so it misses the ramp and
    // may catch a top-up's end
    let offset = if rng.chance(0.6) {
        rng.range(1.0, 25.0)
    } else {
        rng.range(30.0, 600.0_f64.min(curve.charge_s - 60.0).max(31.0))
    };
    let samples = (0..30)
        .map(|i| {
            let t = offset + 20.0 + f64::from(i) * 10.3;
            (t - offset, curve.reading(p, t, rng))
        })
        .collect();
    // update_data is averaged by the server: far less noise, no dips
    let smooth = Profile {
        noise_sd_kw: p.noise_sd_kw / 4.0,
        dip: (0.0, 0.0, 0.0),
        ..p.clone()
    };
    let mut times = vec![0.0, 8.0, 23.0, 95.0];
    let mut t = 600.0;
    while t < curve.charge_s {
        times.push(t);
        t += 600.0;
    }
    if curve.charge_s - 1.0 > t - 600.0 {
        times.push(curve.charge_s - 1.0);
    }
    let update = times
        .into_iter()
        .map(|t| (t, curve.reading(&smooth, t, rng)))
        .collect();
    (samples, update)
}

struct Set {
    samples: Vec<(String, Vec<(f64, f64)>)>,
    update: Vec<(String, Vec<(f64, f64)>)>,
}

fn make(profiles: &[Profile], per_car: usize, rng: &mut Rng) -> Set {
    let mut set = Set {
        samples: Vec::new(),
        update: Vec::new(),
    };
    for _ in 0..per_car {
        for p in profiles {
            let (s, u) = session(p, rng);
            let id = p.vehicle_id.unwrap_or("unknown").to_owned();
            set.samples.push((id.clone(), s));
            set.update.push((id, u));
        }
    }
    set
}

fn config() -> VehicleConfig {
    let ids: Vec<String> = cars().iter().map(|c| format!("\"{}\": {{\"nickname\": null, \"year\": null, \"make\": null, \"model\": null, \"battery_capacity_kwh\": null, \"max_charge_rate_kw\": null, \"efficiency_mi_per_kwh\": null}}", c.vehicle_id.unwrap())).collect();
    serde_json::from_str(&format!("{{\"vehicles\": {{{}}}}}", ids.join(","))).unwrap()
}

/// Share of curves answered `expect` (or their own label when `expect` is None).
fn score(
    c: &Identifier,
    curves: &[(String, Vec<(f64, f64)>)],
    source: Source,
    take: usize,
    expect: Option<&str>,
) -> f64 {
    let right = curves
        .iter()
        .filter(|(label, pts)| {
            let pts: Vec<(f64, f64)> = pts.iter().copied().take(take).collect();
            // an undescribable curve is `unknown` too
            let answer = c
                .identify(&PowerCurve::new(pts, source, None), DEFAULT_MIN_CONFIDENCE)
                .vehicle_id;
            answer == expect.unwrap_or(label)
        })
        .count();
    right as f64 / curves.len() as f64
}

fn fixture_curve(name: &str) -> PowerCurve {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/chargepoint")
        .join(name);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
    let data = v["charging_status"]["update_data"].as_array().unwrap();
    let t0 = data[0]["timestamp"].as_f64().unwrap();
    let pts: Vec<(f64, f64)> = data
        .iter()
        .map(|d| {
            (
                (d["timestamp"].as_f64().unwrap() - t0) / 1000.0,
                d["power_kw"].as_f64().unwrap(),
            )
        })
        .collect();
    features::extract(&pts, Source::UpdateData).unwrap();
    PowerCurve::new(pts, Source::UpdateData, None)
}

fn main() {
    if std::env::var_os("CPH50_BENCH_DEBUG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .try_init();
    }
    let mut rng = Rng::new(2026);
    let known = cars();
    let train_set = make(&known, TRAIN_PER_CAR, &mut rng);
    let test_set = make(&known, TEST_PER_CAR, &mut rng);
    let strangers = make(&[stranger()], TEST_PER_CAR, &mut rng);

    let examples: Vec<Example> = train_set
        .samples
        .iter()
        .filter_map(|(id, pts)| {
            features::extract(pts, Source::Samples)
                .ok()
                .map(|f| Example {
                    vehicle_id: id.clone(),
                    features: f,
                })
        })
        .collect();
    let started = Instant::now();
    let (file, report) = model::train(&examples).expect("trains");
    let train_ms = started.elapsed().as_secs_f64() * 1000.0;
    let started = Instant::now();
    let loaded = Loaded::new(file).expect("loads");
    let load_ms = started.elapsed().as_secs_f64() * 1000.0;
    let c = Identifier::new(Classifier::Model(Box::new(loaded)), config());

    println!(
        "vehicle classifier, {} synthetic cars + 1 left out of training (seed 2026), release build\n",
        known.len()
    );
    println!(
        "trained on {} sessions: kept {} (k-fold: {})",
        report.n,
        report.kind,
        report
            .kinds
            .iter()
            .map(|(k, a)| format!("{k} {:.1}%", a * 100.0))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!("\n{:<52} {:>8}", "measure", "result");
    let row = |name: &str, v: f64, goal: &str| println!("{name:<52} {:>7.1}%  {goal}", v * 100.0);
    row(
        "held-out accuracy, 30 samples",
        score(&c, &test_set.samples, Source::Samples, 30, None),
        "(goal >= 98 %)",
    );
    row(
        "left-out car (8.10 kW) answered unknown",
        score(&c, &strangers.samples, Source::Samples, 30, Some("unknown")),
        "(goal >= 95 %)",
    );
    for n in [6, 12, 18, 30] {
        row(
            &format!("held-out accuracy, first {n} samples"),
            score(&c, &test_set.samples, Source::Samples, n, None),
            "",
        );
    }
    row(
        "held-out accuracy, update_data alone",
        score(&c, &test_set.update, Source::UpdateData, usize::MAX, None),
        "(goal >= 98 %)",
    );
    row(
        "left-out car, update_data, answered unknown",
        score(
            &c,
            &strangers.update,
            Source::UpdateData,
            usize::MAX,
            Some("unknown"),
        ),
        "",
    );

    println!(
        "\nunder an amperage limit (the five cars, {TEST_PER_CAR} sessions each, held at amps × 240 V when they draw more; samples and update_data):"
    );
    println!(
        "{:<10} {:>8} {:>8} {:>8}   (wrong with the limit not recorded)",
        "limit", "right", "unknown", "wrong"
    );
    for amps in [16u32, 24, 32, 36, 40] {
        let cap_kw = f64::from(amps) * cph50::store::values::limits::SUPPLY_VOLTS / 1000.0;
        let mut counts = [0usize; 3];
        let mut blind_wrong = 0;
        let mut total = 0;
        for _ in 0..TEST_PER_CAR {
            for p in &known {
                let (samples, update) = capped_session(p, cap_kw, &mut rng);
                let label = p.vehicle_id.unwrap();
                for (pts, source) in [(samples, Source::Samples), (update, Source::UpdateData)] {
                    let curve = PowerCurve::new(pts, source, None);
                    let blind = c.identify(&curve, DEFAULT_MIN_CONFIDENCE).vehicle_id;
                    blind_wrong += usize::from(blind != "unknown" && blind != label);
                    let answer = c
                        .identify(
                            &curve.with_amperage_limit(Some(amps)),
                            DEFAULT_MIN_CONFIDENCE,
                        )
                        .vehicle_id;
                    let k = if answer == label {
                        0
                    } else if answer == "unknown" {
                        1
                    } else {
                        2
                    };
                    counts[k] += 1;
                    total += 1;
                }
            }
        }
        println!(
            "{:<10} {:>8} {:>8} {:>8}   ({blind_wrong} of {total}){}",
            format!("{amps} A"),
            counts[0],
            counts[1],
            counts[2],
            if counts[2] == 0 {
                ""
            } else {
                "  GOAL MISSED: 0 wrong"
            }
        );
    }

    let fx = |name: &str| c.identify(&fixture_curve(name), DEFAULT_MIN_CONFIDENCE);
    let eq = fx("charging_status_session_done_equinox_ev.json");
    let vo = fx("charging_status_session_done_volvo_xc40.json");
    println!(
        "\nreal fixture sessions (update_data): Equinox EV -> {} ({:.2}), XC40 Recharge -> {} ({:.2})",
        eq.vehicle_id, eq.confidence, vo.vehicle_id, vo.confidence
    );

    if std::env::var_os("CPH50_BENCH_DEBUG").is_some() {
        let mut reasons = std::collections::BTreeMap::new();
        for (label, pts) in test_set.samples.iter().chain(&test_set.update) {
            let src = if pts.len() == 30 {
                Source::Samples
            } else {
                Source::UpdateData
            };
            let r = match features::extract(pts, src) {
                Ok(_) => {
                    let a = c.identify(
                        &PowerCurve::new(pts.clone(), src, None),
                        DEFAULT_MIN_CONFIDENCE,
                    );
                    if &a.vehicle_id == label {
                        "right".to_owned()
                    } else {
                        format!(
                            "{src:?} {label}: {}",
                            a.reason
                                .split(':')
                                .next()
                                .unwrap_or("")
                                .chars()
                                .take(40)
                                .collect::<String>()
                        )
                    }
                }
                Err(e) => format!("{src:?} no features: {e}"),
            };
            *reasons.entry(r).or_insert(0) += 1;
        }
        for (r, n) in reasons {
            println!("{n:>5} {r}");
        }
    }
    if std::env::var_os("CPH50_BENCH_DEBUG").is_some() {
        for (_, pts) in strangers.samples.iter().take(10) {
            if let Ok(f) = features::extract(pts, Source::Samples) {
                let a = c.identify(
                    &PowerCurve::new(pts.clone(), Source::Samples, None),
                    DEFAULT_MIN_CONFIDENCE,
                );
                println!(
                    "stranger: median {:.2} -> {} {:?} {:?} {}",
                    f.median_kw, a.vehicle_id, a.best_guess, a.distance, a.reason
                );
            }
        }
    }
    let curves: Vec<PowerCurve> = test_set
        .samples
        .iter()
        .map(|(_, p)| PowerCurve::new(p.clone(), Source::Samples, None))
        .collect();
    let started = Instant::now();
    let mut named = 0;
    for curve in &curves {
        named += usize::from(c.identify(curve, DEFAULT_MIN_CONFIDENCE).vehicle_id != "unknown");
    }
    let per = started.elapsed().as_secs_f64() * 1e6 / curves.len() as f64;
    println!(
        "\nclassify one session (features + model + open-set check): {per:.1} µs (goal < 1 ms; {named} of {} named)",
        curves.len()
    );
    println!(
        "train on {} sessions (3 kinds × 5 folds + final): {train_ms:.0} ms (goal < 1 s); load the model file: {load_ms:.1} ms",
        report.n
    );
}
