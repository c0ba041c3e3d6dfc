//! Figures on the built site (issue 14, "Axes and numbers"): every cost carries the currency's
//! symbol where the locale puts it, every figure the locale's thousands and decimal separators
//! and its quantity's fixed decimals, the same on the dashboard, the history page and a session
//! page; `sessions.csv` states the currency of its costs; a currency that disagrees with the
//! rate plan's, or a locale that is not one, is refused naming the key. The browser side (the
//! history table the script draws) is checked in tests/browser/run.mjs.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::common::{Demo, cph50};

/// How a locale writes numbers, as the test expects them (written out here, not asked of
/// cph50): thousands separator, decimal separator, and a cost from its number.
struct Style {
    locale: &'static str,
    currency: &'static str,
    group: char,
    decimal: char,
    money: fn(&str) -> String,
}

const EN_US: Style = Style {
    locale: "en-US",
    currency: "USD",
    group: ',',
    decimal: '.',
    money: |n| format!("${n}"),
};

const DE_DE: Style = Style {
    locale: "de-DE",
    currency: "EUR",
    group: '.',
    decimal: ',',
    money: |n| format!("{n}\u{a0}€"),
};

impl Style {
    /// `text` is a number of this locale with exactly `digits` decimals: digit groups of three
    /// from the right, separated (`1,234.50`; `1234.50` is not).
    fn is_number(&self, text: &str, digits: usize) -> bool {
        let (int, frac) = match text.split_once(self.decimal) {
            Some((i, f)) => (i, Some(f)),
            None => (text, None),
        };
        let frac_ok = match frac {
            Some(f) => f.len() == digits && f.chars().all(|c| c.is_ascii_digit()),
            None => digits == 0,
        };
        let groups: Vec<&str> = int.split(self.group).collect();
        let groups_ok = !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[0].chars().all(|c| c.is_ascii_digit())
            && groups[1..]
                .iter()
                .all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()));
        frac_ok && groups_ok
    }

    /// `text` is a cost of this locale and currency (2 decimals).
    fn is_money(&self, text: &str) -> bool {
        let marked = (self.money)("X");
        let (before, after) = marked.split_once('X').unwrap();
        text.strip_prefix(before)
            .and_then(|t| t.strip_suffix(after))
            .is_some_and(|n| self.is_number(n, 2))
    }

    /// `v` as this locale writes it with 2 decimals (`v` already has at most 2).
    fn two_decimals(&self, v: f64) -> String {
        let plain = format!("{v:.2}");
        let (int, frac) = plain.split_once('.').unwrap();
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push(self.group);
            }
            grouped.push(c);
        }
        format!("{grouped}{}{frac}", self.decimal)
    }
}

/// Builds the demo's site with `config` as cph50.toml (none: the defaults).
fn build(demo: &Demo, config: Option<&str>) -> assert_cmd::assert::Assert {
    let file = demo.root().join("cph50.toml");
    match config {
        Some(text) => fs::write(&file, text).unwrap(),
        None => {
            let _ = fs::remove_file(&file);
        }
    }
    cph50(demo.root()).args(["build", "--out", "site"]).assert()
}

fn read(site: &Path, rel: &str) -> String {
    fs::read_to_string(site.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The text of every element whose opening tag contains `marker`, in page order.
fn texts_after(html: &str, marker: &str) -> Vec<String> {
    html.match_indices(marker)
        .map(|(at, _)| {
            let rest = &html[at..];
            let start = rest.find('>').unwrap() + 1;
            let end = rest[start..].find('<').unwrap();
            rest[start..start + end].to_owned()
        })
        .collect()
}

/// `sessions.csv` as rows of column -> cell.
fn csv_rows(site: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(site.join("data/sessions.csv")).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

#[test]
fn costs_carry_the_currency_and_every_page_writes_figures_the_same_way() {
    let demo = Demo::new(2);
    let site = demo.root().join("site");
    for (style, config) in [
        (EN_US, None),
        (DE_DE, Some("locale = \"de-DE\"\ncurrency = \"EUR\"\n")),
    ] {
        let name = style.locale;
        build(&demo, config).success();

        // sessions.csv: a currency column beside the cost, machine-readable figures
        let rows = csv_rows(&site);
        let header = read(&site, "data/sessions.csv");
        assert!(
            header.lines().next().unwrap().contains(",cost,currency,"),
            "{name}: {}",
            header.lines().next().unwrap()
        );
        for r in &rows {
            let want = if r["cost"].is_empty() {
                ""
            } else {
                style.currency
            };
            assert_eq!(r["currency"], want, "{name}: session {}", r["session_id"]);
            assert!(
                r["energy_kwh"].parse::<f64>().is_ok()
                    && r["energy_kwh"]
                        .split('.')
                        .nth(1)
                        .is_none_or(|f| f.len() <= 2),
                "{name}: energy_kwh {} has the pages' 2 decimals at most, with a dot",
                r["energy_kwh"]
            );
        }

        // a session of the latest month with a cost: its figures on the history table and on
        // its page, written alike
        let latest = rows.last().unwrap()["local_date"][..7].to_owned();
        let s = rows
            .iter()
            .rev()
            .find(|r| r["local_date"].starts_with(&latest) && !r["cost"].is_empty())
            .expect("a session with a cost in the latest month");
        let kwh = style.two_decimals(s["energy_kwh"].parse().unwrap());
        let cost = (style.money)(&style.two_decimals(s["cost"].parse().unwrap()));
        let page = read(&site, &format!("sessions/{}.html", s["session_id"]));
        assert!(
            page.contains(&format!(r#"id="energy">{kwh} kWh<"#)),
            "{name}: the session page's energy is {kwh} kWh: {:?}",
            texts_after(&page, r#"id="energy""#)
        );
        assert!(
            page.contains(&format!(r#"id="cost">{cost}<"#)),
            "{name}: the session page's cost is {cost}: {:?}",
            texts_after(&page, r#"id="cost""#)
        );
        let history = read(&site, "history.html");
        let row = history
            .split("<tr>")
            .find(|tr| tr.contains(&format!("sessions/{}.html", s["session_id"])))
            .expect("the session in the history table");
        assert!(
            row.contains(&format!(r#"<td data-label="kWh">{kwh}</td>"#))
                && row.contains(&format!(r#"<td data-label="Cost">{cost}</td>"#)),
            "{name}: the history table's row reads {kwh} kWh and {cost}: {row}"
        );
        for cell in texts_after(&history, r#"data-label="kWh""#) {
            assert!(style.is_number(&cell, 2), "{name}: history kWh {cell:?}");
        }
        for cell in texts_after(&history, r#"data-label="Cost""#) {
            assert!(
                cell == "–" || style.is_money(&cell),
                "{name}: history cost {cell:?}"
            );
        }

        // the history totals: the locale's groups (a total over 999 must be grouped; their
        // values are checked by render::the_history_totals_equal_the_sum_of_the_sessions)
        let sum = |id: &str| texts_after(&history, &format!(r#"id="{id}""#))[0].clone();
        let sum_kwh = sum("sum-kwh");
        let sum_kwh = sum_kwh.strip_suffix(" kWh").unwrap();
        assert!(style.is_number(sum_kwh, 2), "{name}: sum-kwh {sum_kwh:?}");
        let miles = sum("sum-miles");
        let miles = miles.strip_suffix(" mi").unwrap();
        assert!(style.is_number(miles, 0), "{name}: sum-miles {miles:?}");
        assert!(
            style.is_money(&sum("sum-cost")),
            "{name}: sum-cost {:?}",
            sum("sum-cost")
        );

        // the dashboard's month table: kWh, miles (or "–" where they can't be estimated),
        // sessions and cost, each as its quantity's rule says
        let index = read(&site, "index.html");
        let table = index
            .split("The month of the latest session, per vehicle")
            .nth(1)
            .and_then(|t| t.split("</table>").next())
            .expect("the month table");
        let mut costs = 0;
        for row in table.split("<tr>").skip(2) {
            // cells: `<td>` or `<td data-label="…">` (named on a phone)
            let cells: Vec<&str> = row
                .split("<td")
                .skip(1)
                .map(|c| c.split_once('>').unwrap().1.split('<').next().unwrap())
                .collect();
            assert_eq!(cells.len(), 5, "{name}: {row}");
            assert!(style.is_number(cells[1], 2), "{name}: kWh {:?}", cells[1]);
            assert!(
                cells[2] == "–" || style.is_number(cells[2], 0),
                "{name}: miles {:?}",
                cells[2]
            );
            assert_ne!(cells[2], "0", "{name}: miles 0 claimed");
            assert!(style.is_money(cells[4]), "{name}: cost {:?}", cells[4]);
            costs += 1;
        }
        assert!(costs > 0, "{name}: no row in the month table");
        // the page hands its locale and currency to the script
        assert!(
            history.contains(&format!(
                r#"data-locale="{}" data-currency="{}""#,
                style.locale, style.currency
            )),
            "{name}: the history page's body names its locale and currency"
        );
    }
}

#[test]
fn the_unknown_car_has_no_miles_rather_than_zero() {
    let demo = Demo::new(2);
    build(&demo, None).success();
    let index = read(&demo.root().join("site"), "index.html");
    let row = index
        .split("<tr>")
        .find(|r| r.contains("<td>Unknown vehicle</td>"))
        .expect("the unknown car's row in the month table");
    assert!(row.contains(r#"<td data-label="Miles">–</td>"#), "{row}");
    assert!(
        index.contains(r#"id="miles-note""#),
        "the dash is explained"
    );
}

#[test]
fn the_rate_plans_currency_is_the_default_and_a_different_one_is_refused() {
    let demo = Demo::new(2);
    let site = demo.root().join("site");
    let plan = crate::tariff::readme_sample().replace("currency = \"USD\"", "currency = \"EUR\"");
    assert!(plan.contains("currency = \"EUR\""));
    build(&demo, Some(&plan)).success();
    let index = read(&site, "index.html");
    assert!(
        index.contains(r#"data-currency="EUR""#) && index.contains(r#"data-label="Cost">€"#),
        "en-US with the plan's euros: €12.34"
    );

    fs::remove_dir_all(&site).unwrap();
    let clash = format!("currency = \"USD\"\n{plan}");
    let out = build(&demo, Some(&clash)).code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.starts_with("error:")
            && err.contains("cph50.toml")
            && err.contains("currency: \"USD\" but tariff.currency is \"EUR\""),
        "{err}"
    );
    assert!(!site.exists(), "nothing built");

    for (config, key) in [
        ("locale = \"not a locale\"\n", "locale: \"not a locale\""),
        ("currency = \"euro\"\n", "currency: \"euro\""),
    ] {
        let out = build(&demo, Some(config)).code(2);
        let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(err.starts_with("error:") && err.contains(key), "{err}");
        assert!(!site.exists(), "nothing built");
    }
}

/// The history page's totals, as built, are the month's days added up as its script adds them
/// (the day level's rounded cells, day by day, each vehicle in column order), so a redraw never
/// shows another figure for the same month. With costs of x.xxx5, the month's own cell
/// (rounded once) and the sum of the rounded days differ in the second decimal: the page used
/// to show one at build time and the other after Previous and Next.
#[test]
fn the_built_totals_are_the_sums_the_script_draws() {
    let demo = Demo::new(1);
    for file in fs::read_dir(demo.data().join("session_cache")).unwrap() {
        let path = file.unwrap().path();
        let mut month: Vec<serde_json::Value> =
            serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        for e in &mut month {
            e["session"]["cost"] = 1.0005.into();
        }
        fs::write(&path, serde_json::to_vec_pretty(&month).unwrap()).unwrap();
    }
    build(&demo, None).success();
    let site = demo.root().join("site");
    let day: serde_json::Value =
        serde_json::from_str(&read(&site, "api/v1/history-day.json")).unwrap();
    let first =
        chrono::NaiveDate::parse_from_str(day["first"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let html = read(&site, "history.html");
    let page = html
        .split_once("data-page=\"")
        .and_then(|(_, r)| r.split_once('"'))
        .map(|(p, _)| p.to_owned())
        .unwrap();
    // the script's order: the page's days, then each vehicle's column
    let values = &day["values"][3];
    let columns = values.as_array().unwrap().len();
    let mut sum = 0.0;
    for (i, d) in first.iter_days().take(400).enumerate() {
        if d.format("%Y-%m").to_string() != page {
            continue;
        }
        for c in 0..columns {
            sum += values[c][i].as_f64().unwrap_or(0.0);
        }
    }
    let shown = html
        .split_once("id=\"sum-cost\">")
        .and_then(|(_, r)| r.split_once('<'))
        .map(|(t, _)| t.to_owned())
        .unwrap();
    let want = cph50::render::numbers::Numbers::new("en-US", "USD")
        .unwrap()
        .money(sum);
    assert_eq!(
        shown, want,
        "the month's cost as built vs the script's sum {sum}"
    );
}
