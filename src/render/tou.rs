//! The site's time-of-use views, from the splits the monthly caches keep (`time_of_use`, made
//! by `cph50 cache` with a rate plan): a session's energy and cost by period as a stacked bar
//! with its table, and on the history page the cost by period per month and what was charged
//! after the cheap window. Without any split nothing here is shown.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use super::charts::{self, Bar, esc};
use super::numbers::{Numbers, Quantity};
use super::sessions::SessionRow;

/// Period colours, cheapest first: each has at least 4.5:1 contrast against the white chart
/// background (WCAG 2.1 AA for text, and above the 3:1 that 1.4.11 asks of graphics).
const PALETTE: [&str; 6] = [
    "#1b5e20", // green 900, 7.9:1
    "#0d47a1", // blue 900, 8.6:1
    "#bf360c", // deep orange 900, 5.6:1
    "#b71c1c", // red 900, 6.6:1
    "#4a148c", // purple 900, 11.9:1
    "#37474f", // blue grey 800, 9.7:1
];

/// A colour per period name, the same on every page: names ordered by their mean price over
/// all splits (then by name), coloured from [`PALETTE`] in that order.
#[derive(Debug, Clone, Default)]
pub struct PeriodColours {
    /// Period name -> `#RRGGBB`, and the names in price order.
    by_name: BTreeMap<String, String>,
    order: Vec<String>,
}

impl PeriodColours {
    /// The colours of the periods the rows' splits name.
    pub fn of(rows: &[SessionRow]) -> Self {
        let mut prices: BTreeMap<String, (f64, f64)> = BTreeMap::new();
        for p in rows
            .iter()
            .filter_map(|r| r.time_of_use.as_ref())
            .flat_map(|t| &t.periods)
        {
            let e = prices.entry(p.period.clone()).or_default();
            e.0 += p.price_per_kwh.0;
            e.1 += 1.0;
        }
        let mut order: Vec<(f64, String)> = prices
            .into_iter()
            .map(|(name, (sum, n))| (sum / n.max(1.0), name))
            .collect();
        order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let order: Vec<String> = order.into_iter().map(|(_, n)| n).collect();
        let by_name = order
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), PALETTE[i % PALETTE.len()].to_owned()))
            .collect();
        Self { by_name, order }
    }

    fn colour(&self, name: &str) -> String {
        self.by_name
            .get(name)
            .cloned()
            .unwrap_or_else(|| PALETTE[PALETTE.len() - 1].to_owned())
    }
}

/// One period of a session's split, as its table shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodRow {
    /// Period name.
    pub period: String,
    /// Season name.
    pub season: String,
    /// Swatch colour.
    pub colour: String,
    /// Part of the cheap window.
    pub cheap: bool,
    /// kWh, written ([`Numbers::kwh`]).
    pub kwh: String,
    /// Share of the session's energy, percent.
    pub share: f64,
    /// The share, written ([`Numbers::percent`]).
    pub share_pct: String,
    /// Price per kWh, written as configured ([`Numbers::price`]: `$0.13`).
    pub price: String,
    /// Cost, written ([`Numbers::money`]).
    pub cost: String,
}

/// A session's split, as its page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SessionTou {
    /// The rate plan's name.
    pub tariff: String,
    /// Its currency.
    pub currency: String,
    /// What the split was computed from, in words.
    pub curve: &'static str,
    /// Split from ChargePoint's `update_data`, which the site does not keep: the page's energy
    /// per day (from the session file's samples, [`super::sessions::split_by_day`]) then
    /// follows another curve, and the page says so.
    pub from_update_data: bool,
    /// The stacked bar (inline SVG).
    pub bar: String,
    /// The periods.
    pub rows: Vec<PeriodRow>,
    /// kWh of all periods, written.
    pub total_kwh: String,
    /// Cost of all periods, written.
    pub total_cost: String,
    /// kWh charged after the cheap window, written.
    pub after_cheap_kwh: String,
    /// Its cost, written.
    pub after_cheap_cost: String,
}

/// The formatter of a split's amounts: the site's, or, for a split made with a plan of another
/// currency (the plan was changed since), the site's locale with the split's currency.
fn in_currency(numbers: &Numbers, currency: &str) -> Numbers {
    if currency == numbers.currency() {
        numbers.clone()
    } else {
        Numbers::new(numbers.locale(), currency).unwrap_or_else(|_| numbers.clone())
    }
}

/// The split of one session for its page, its figures written by `numbers`; `None` without
/// one.
pub fn session_tou(
    r: &SessionRow,
    colours: &PeriodColours,
    numbers: &Numbers,
) -> Option<SessionTou> {
    let t = r.time_of_use.as_ref()?;
    let n = in_currency(numbers, &t.currency);
    let total: f64 = t.periods.iter().map(|p| p.energy_kwh.0).sum();
    let rows: Vec<PeriodRow> = t
        .periods
        .iter()
        .map(|p| {
            let share = if total > 0.0 {
                p.energy_kwh.0 / total * 100.0
            } else {
                0.0
            };
            PeriodRow {
                period: p.period.clone(),
                season: p.season.clone(),
                colour: colours.colour(&p.period),
                cheap: p.cheap,
                kwh: n.kwh(p.energy_kwh.0),
                share,
                share_pct: n.percent(share),
                price: n.price(p.price_per_kwh.0),
                cost: n.money(p.cost.0),
            }
        })
        .collect();
    Some(SessionTou {
        tariff: t.tariff.clone(),
        currency: t.currency.clone(),
        from_update_data: t.curve == "update_data",
        curve: match t.curve.as_str() {
            "update_data" => "Split from ChargePoint's power samples over the whole session.",
            "samples" => {
                "Split from the first minutes' samples, then the last power held until the energy was in."
            }
            "peak_power" => {
                "No samples: split as if charging at the peak power from plug-in until the energy was in."
            }
            _ => "No samples and no power: split evenly from plug-in to unplug.",
        },
        bar: share_bar(&rows),
        total_kwh: n.kwh(total),
        total_cost: n.money(t.periods.iter().map(|p| p.cost.0).sum()),
        after_cheap_kwh: n.kwh(t.after_cheap_window.energy_kwh.0),
        after_cheap_cost: n.money(t.after_cheap_window.cost.0),
        rows,
    })
}

/// One horizontal bar, 100 % wide, a segment per period (its width the period's share of the
/// energy), each with a tooltip; the table beside it gives the same figures as text.
fn share_bar(rows: &[PeriodRow]) -> String {
    let (w, h) = (800.0, 40.0);
    let label: Vec<String> = rows
        .iter()
        .map(|r| format!("{} {} kWh ({} %)", r.period, r.kwh, r.share_pct))
        .collect();
    let mut s = format!(
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="Energy by time-of-use period: {}" xmlns="http://www.w3.org/2000/svg">"#,
        esc(&label.join(", "))
    );
    let mut x = 0.0;
    for r in rows {
        let width = w * r.share / 100.0;
        if width <= 0.0 {
            continue;
        }
        let _ = write!(
            s,
            r#"<rect x="{x:.1}" y="0" width="{width:.1}" height="{h}" fill="{}"><title>{} ({}): {} kWh, {}</title></rect>"#,
            esc(&r.colour),
            esc(&r.period),
            esc(&r.season),
            esc(&r.kwh),
            esc(&r.cost)
        );
        x += width;
    }
    s.push_str("</svg>");
    s
}

/// One month of the history's time-of-use table.
#[derive(Debug, Clone, Serialize)]
pub struct MonthTou {
    /// `YYYY-MM`, the sessions' local plug-in month.
    pub month: String,
    /// Per period (in [`HistoryTou::periods`] order): kWh and cost, written.
    pub cells: Vec<(String, String)>,
    /// Cost of all periods, written.
    pub total_cost: String,
    /// kWh charged after the cheap window, written.
    pub after_cheap_kwh: String,
    /// Its cost, written.
    pub after_cheap_cost: String,
    /// Sessions of the month with a split.
    pub split: usize,
    /// Sessions of the month.
    pub sessions: usize,
}

/// The history page's time-of-use section.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryTou {
    /// The rate plans the splits were made with (one, unless the plan was changed).
    pub tariffs: Vec<String>,
    /// Their currency (the first split's).
    pub currency: String,
    /// Period names and colours, cheapest first.
    pub periods: Vec<(String, String)>,
    /// Cost per month, stacked by period (inline SVG).
    pub chart: String,
    /// The months with at least one split, oldest first.
    pub months: Vec<MonthTou>,
}

/// The history's time-of-use section, its figures written by `numbers`; `None` when no session
/// has a split.
pub fn history_tou(
    rows: &[SessionRow],
    colours: &PeriodColours,
    numbers: &Numbers,
) -> Option<HistoryTou> {
    let first = rows.iter().find_map(|r| r.time_of_use.as_ref())?;
    let n = in_currency(numbers, &first.currency);
    let periods = &colours.order;
    // month -> (per period kWh and cost, after kWh, after cost, split, sessions)
    type Acc = (Vec<(f64, f64)>, f64, f64, usize, usize);
    let mut months: BTreeMap<String, Acc> = BTreeMap::new();
    let mut tariffs: Vec<String> = Vec::new();
    for r in rows {
        let key = r.local_date().format("%Y-%m").to_string();
        let acc = months
            .entry(key)
            .or_insert_with(|| (vec![(0.0, 0.0); periods.len()], 0.0, 0.0, 0, 0));
        acc.4 += 1;
        let Some(t) = &r.time_of_use else {
            continue;
        };
        acc.3 += 1;
        if !tariffs.contains(&t.tariff) {
            tariffs.push(t.tariff.clone());
        }
        for p in &t.periods {
            if let Some(i) = periods.iter().position(|n| *n == p.period) {
                acc.0[i].0 += p.energy_kwh.0;
                acc.0[i].1 += p.cost.0;
            }
        }
        acc.1 += t.after_cheap_window.energy_kwh.0;
        acc.2 += t.after_cheap_window.cost.0;
    }
    months.retain(|_, a| a.3 > 0);
    let series: Vec<(String, String)> = periods
        .iter()
        .map(|n| (n.clone(), colours.colour(n)))
        .collect();
    let bars: Vec<Bar> = months
        .iter()
        .map(|(m, a)| Bar {
            key: m.clone(),
            label: m.clone(),
            values: a.0.iter().map(|c| c.1).collect(),
        })
        .collect();
    let chart = charts::stacked_bars(
        "Cost per month, stacked by time-of-use period",
        &bars,
        &series,
        (&first.currency, "month"),
        Quantity::Money,
        &n,
    );
    let months = months
        .into_iter()
        .map(|(month, a)| MonthTou {
            month,
            cells: a
                .0
                .iter()
                .map(|(kwh, cost)| (n.kwh(*kwh), n.money(*cost)))
                .collect(),
            total_cost: n.money(a.0.iter().map(|c| c.1).sum()),
            after_cheap_kwh: n.kwh(a.1),
            after_cheap_cost: n.money(a.2),
            split: a.3,
            sessions: a.4,
        })
        .collect();
    Some(HistoryTou {
        tariffs,
        currency: first.currency.clone(),
        periods: series,
        chart,
        months,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG 2.1 contrast ratio of `#RRGGBB` against white.
    fn contrast_on_white(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let l = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
        1.05 / (l + 0.05)
    }

    #[test]
    fn every_period_colour_has_aa_contrast_on_white() {
        for c in PALETTE {
            let ratio = contrast_on_white(c);
            assert!(ratio >= 4.5, "{c}: {ratio:.2}");
        }
        assert!(contrast_on_white("#ffeb3b") < 4.5); // the check can fail
    }
}
