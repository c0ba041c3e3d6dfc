//! SVG charts drawn at build time: no chart library, nothing to download, works from `file://`.
//! The history page's script draws the same stacked bars (assets/site.js) when the view changes.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::numbers::{Numbers, Quantity};
use super::sessions::Point;

/// Escapes text for SVG/HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// One stacked bar: its label and one value per series.
pub struct Bar {
    /// Period key (`2026-03-02`).
    pub key: String,
    /// Label under the bar.
    pub label: String,
    /// Values per series, in series order.
    pub values: Vec<f64>,
}

/// A stacked bar chart as inline `<svg>`s; `series` gives (name, colour) per value column,
/// `unit` is written above the scale and `across` (what a bar is: "day of the month") under
/// the bars, and the bars' values are a `quantity`: each bar's total
/// in its tooltip is written by `numbers` as one (with `unit` after it, except money, which
/// has its symbol), the scale's round steps ([`nice_ticks`]) with the decimals that name each
/// exactly ([`step_digits`]), in the site's locale. Two drawings, as [`power_curve`]'s: 800 × 260
/// units for wider screens (`chart-wide`) and 320 × 240 with larger labels and fewer bar
/// labels for narrow ones (`chart-narrow`), so that a label is at least 12 CSS pixels from
/// 320 px screens up.
pub fn stacked_bars(
    title: &str,
    bars: &[Bar],
    series: &[(String, String)],
    (unit, across): (&str, &str),
    quantity: Quantity,
    numbers: &Numbers,
) -> String {
    let draw = |dims| bars_svg(title, bars, series, (unit, across, quantity), dims, numbers);
    let mut s = draw((800.0, 260.0, 12.0, 16, "chart chart-wide"));
    s.push_str(&draw((320.0, 240.0, 15.0, 6, "chart chart-narrow")));
    s
}

/// One drawing of [`stacked_bars`]: `w` × `h` units, labels `fs` units high, at most about
/// `labels` bar labels, CSS `class`.
fn bars_svg(
    title: &str,
    bars: &[Bar],
    series: &[(String, String)],
    (unit, across, quantity): (&str, &str, Quantity),
    (w, h, fs, labels, class): (f64, f64, f64, usize, &str),
    numbers: &Numbers,
) -> String {
    let (left, bottom, top, right) = (fs * 4.2, fs * 2.8, fs * 2.0, 8.0);
    let max = bars
        .iter()
        .map(|b| b.values.iter().sum::<f64>())
        .fold(0.0, f64::max);
    let (scale_max, step) = nice_ticks(max);
    let plot_h = h - bottom - top;
    let slot = (w - left - right) / bars.len().max(1) as f64;
    let bw = (slot * 0.7).max(1.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="{class}" viewBox="0 0 {w} {h}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        esc(title)
    );
    for i in 0..=tick_count(scale_max, step) {
        let v = step * f64::from(i);
        let y = top + plot_h - plot_h * v / scale_max;
        let _ = write!(
            s,
            r##"<line x1="{left}" x2="{w}" y1="{y:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" font-size="{fs}" text-anchor="end">{}</text>"##,
            left - 4.0,
            y + fs / 3.0,
            numbers.number(v, step_digits(step))
        );
    }
    // the unit, above the scale
    let _ = write!(
        s,
        r#"<text x="4" y="{fs}" font-size="{fs}">{}</text>"#,
        esc(unit)
    );
    // a label every so many bars that no two touch (a label is about 0.6 em per character)
    let label_w = bars
        .iter()
        .map(|b| b.label.chars().count())
        .max()
        .unwrap_or(1) as f64
        * fs
        * 0.62
        + fs * 0.6;
    let label_every = bars
        .len()
        .div_ceil(labels)
        .max((label_w / slot).ceil() as usize)
        .max(1);
    for (i, b) in bars.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - bw) / 2.0;
        let mut y = top + plot_h;
        let total: f64 = b.values.iter().sum();
        let shown = match quantity {
            Quantity::Money => numbers.money(total),
            q => format!("{} {unit}", numbers.quantity(total, q)),
        };
        let _ = write!(
            s,
            r#"<g data-key="{}" data-total="{}"><title>{}: {}</title>"#,
            esc(&b.key),
            fmt_num(total),
            esc(&b.label),
            esc(&shown)
        );
        for (v, (_, colour)) in b.values.iter().zip(series) {
            if *v <= 0.0 || scale_max <= 0.0 {
                continue;
            }
            let bh = plot_h * v / scale_max;
            y -= bh;
            let _ = write!(
                s,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{bw:.1}" height="{bh:.1}" fill="{}"/>"#,
                esc(colour)
            );
        }
        s.push_str("</g>");
        if i % label_every == 0 {
            // the first label starts at its bar when centring it would cross the scale
            let (lx, anchor) = if x + bw / 2.0 - label_w / 2.0 < left {
                (x, "start")
            } else {
                (x + bw / 2.0, "middle")
            };
            let _ = write!(
                s,
                r#"<text x="{lx:.1}" y="{:.1}" font-size="{fs}" text-anchor="{anchor}">{}</text>"#,
                top + plot_h + fs * 1.2,
                esc(&b.label)
            );
        }
    }
    let _ = write!(
        s,
        r#"<text x="{:.1}" y="{:.1}" font-size="{fs}" text-anchor="end">{}</text></svg>"#,
        w - 4.0,
        h - fs * 0.3,
        esc(across)
    );
    s
}

/// What a power curve's time axis covers.
#[derive(Debug, Clone, Copy)]
pub enum CurveSpan {
    /// The whole session, from plug-in to unplug (UTC): the readings are its whole curve.
    Session(DateTime<Utc>, DateTime<Utc>),
    /// From the first reading to the last: only the first minutes were sampled.
    Readings,
}

/// The power curve of a session as inline `<svg>`s: kW up, time across (from plug-in to
/// unplug for [`CurveSpan::Session`], else from the first reading to the last); readings
/// without power are left out. Two drawings of the same curve: one 800 units wide for wider
/// screens and one 320 units wide for narrow ones (`chart-wide`, `chart-narrow`; the style
/// sheet shows one), so that a label is at least 12 CSS pixels on both (an SVG's text shrinks
/// with its width). Each `<svg>` carries `data-axis-s` (seconds the time axis spans) and
/// `data-curve-s` (seconds from the axis start to the last reading).
pub fn power_curve(points: &[Point], span: CurveSpan, numbers: &Numbers) -> String {
    let readings: Vec<(i64, f64)> = points
        .iter()
        .filter_map(|p| p.power_kw.map(|kw| (p.at.timestamp(), kw)))
        .collect();
    let axis = match (span, readings.first(), readings.last()) {
        (CurveSpan::Session(start, end), _, _) => {
            let (a, b) = (start.timestamp(), end.timestamp());
            // readings outside the session (clock skew) widen the axis rather than vanish
            let lo = readings.first().map_or(a, |r| r.0.min(a));
            let hi = readings.last().map_or(b, |r| r.0.max(b));
            Some((lo, hi, true))
        }
        (CurveSpan::Readings, Some(f), Some(l)) => Some((f.0, l.0, false)),
        _ => None,
    };
    let mut s = curve_svg(
        &readings,
        axis,
        (800.0, 260.0, 12.0, "chart chart-wide"),
        numbers,
    );
    s.push_str(&curve_svg(
        &readings,
        axis,
        (320.0, 220.0, 15.0, "chart chart-narrow"),
        numbers,
    ));
    s
}

/// Tick steps of a time axis, seconds: minutes, then hours, then days.
const TIME_STEPS: [i64; 14] = [
    60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172_800, 604_800,
];

/// A time tick's label: minutes below an hour's step, hours below a day's, else days.
fn time_label(offset: i64, step: i64) -> String {
    if step < 3600 {
        format!("{} min", offset / 60)
    } else if step < 86_400 {
        format!("{} h", offset / 3600)
    } else {
        format!("{} d", offset / 86_400)
    }
}

/// One drawing of [`power_curve`], `w` × `h` units, labels `fs` units high, with CSS `class`;
/// `axis` is the time axis `(first second, last second, whole session)`.
fn curve_svg(
    readings: &[(i64, f64)],
    axis: Option<(i64, i64, bool)>,
    (w, h, fs, class): (f64, f64, f64, &str),
    numbers: &Numbers,
) -> String {
    let (left, bottom, top) = (fs * 4.5, fs * 2.8, fs * 1.6);
    let what = if axis.is_some_and(|a| a.2) {
        "the whole session"
    } else {
        "the sampled minutes"
    };
    let (Some((first, last, whole)), false) = (axis, readings.is_empty()) else {
        return format!(
            r#"<svg class="{class}" viewBox="0 0 {w} {h}" role="img" aria-label="Power curve: no power readings" xmlns="http://www.w3.org/2000/svg"><text x="{:.1}" y="{:.1}" font-size="{fs}" text-anchor="middle">No power readings</text></svg>"#,
            w / 2.0,
            h / 2.0
        );
    };
    let span = (last - first).max(1);
    let curve_s = readings.last().map_or(0, |r| r.0 - first);
    let mut s = format!(
        r#"<svg class="{class}" viewBox="0 0 {w} {h}" role="img" aria-label="Power curve, kW over {what}" data-axis-s="{span}" data-curve-s="{curve_s}" xmlns="http://www.w3.org/2000/svg">"#
    );
    let (scale_max, step) = nice_ticks(readings.iter().map(|r| r.1).fold(0.0, f64::max));
    let plot_h = h - bottom - top;
    let plot_w = w - left - 10.0;
    let x_of = |t: i64| left + plot_w * (t - first) as f64 / span as f64;
    for i in 0..=tick_count(scale_max, step) {
        let v = step * f64::from(i);
        let y = top + plot_h - plot_h * v / scale_max;
        let _ = write!(
            s,
            r##"<line x1="{left:.1}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" font-size="{fs}" text-anchor="end">{} kW</text>"##,
            w - 10.0,
            left - 4.0,
            y + fs / 3.0,
            numbers.number(v, step_digits(step))
        );
    }
    let pts: Vec<String> = readings
        .iter()
        .map(|&(t, kw)| {
            let y = top + plot_h
                - if scale_max > 0.0 {
                    plot_h * kw / scale_max
                } else {
                    0.0
                };
            format!("{:.1},{y:.1}", x_of(t))
        })
        .collect();
    let _ = write!(
        s,
        r##"<polyline fill="none" stroke="#1b6ac9" stroke-width="2" points="{}"/>"##,
        pts.join(" ")
    );
    // the time axis: round steps (minutes, hours or days) that leave room for their labels
    // (a label is about 5 characters of `fs` × 0.6 wide)
    let most = ((plot_w / (fs * 6.0)).floor() as i64).max(2);
    // and whole hours from two hours on, whole days from three days on, so that no label
    // reads "300 min"
    let least = match span {
        ..7200 => 60,
        7200..259_200 => 3600,
        _ => 86_400,
    };
    let step = TIME_STEPS
        .iter()
        .copied()
        .filter(|st| *st >= least)
        .find(|st| span / st <= most)
        .unwrap_or(span.max(1));
    let base_y = top + plot_h;
    let mut t = 0;
    while t <= span {
        let x = x_of(first + t);
        // the first label starts at the axis (clear of the scale's "0 kW"), one at the right
        // edge ends there rather than overflowing it
        let anchor = if t == 0 {
            "start"
        } else if x > w - 10.0 - fs * 2.0 {
            "end"
        } else {
            "middle"
        };
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" x2="{x:.1}" y1="{base_y:.1}" y2="{:.1}" stroke="#888"/><text x="{x:.1}" y="{:.1}" font-size="{fs}" text-anchor="{anchor}">{}</text>"##,
            base_y + 4.0,
            base_y + fs * 1.2,
            time_label(t, step)
        );
        t += step;
    }
    let title = if whole {
        "time since plug-in"
    } else {
        "time since the first reading"
    };
    let _ = write!(
        s,
        r#"<text x="{:.1}" y="{:.1}" font-size="{fs}" text-anchor="end">{title}</text></svg>"#,
        w - 10.0,
        h - fs * 0.3,
    );
    s
}

/// The top of an axis and its tick step for values up to `max`: the step is the smallest round
/// number (1, 2 or 5 times a power of ten) of at least a quarter of `max`, and the top the first
/// multiple of it at or above `max`, so an axis has 1 to 4 steps (0, 100, 200, 300 for 280;
/// not 0, 125, 250, 375, 500). `(1, 0.25)` when there is nothing to show. The page script's
/// `niceTicks` is the same rule.
pub fn nice_ticks(max: f64) -> (f64, f64) {
    if max <= 0.0 || !max.is_finite() {
        return (1.0, 0.25);
    }
    let quarter = max / 4.0;
    let mag = 10f64.powf(quarter.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= quarter * (1.0 - 1e-12))
        .unwrap_or(10.0 * mag);
    let top = ((max / step) - 1e-9).ceil().max(1.0) * step;
    (top, step)
}

/// How many steps of `step` reach `top` ([`nice_ticks`]).
fn tick_count(top: f64, step: f64) -> i32 {
    ((top / step).round() as i32).clamp(1, 10)
}

/// The decimals of a tick step from [`nice_ticks`]: 0 for 1 and more, 1 for 0.5 to 0.1, and so
/// on, so every tick is named exactly.
pub fn step_digits(step: f64) -> u8 {
    if step >= 1.0 || step <= 0.0 {
        0
    } else {
        (-step.log10().floor()).clamp(0.0, 6.0) as u8
    }
}

/// A number with at most 1 decimal, no trailing `.0` (`12`, `12.5`).
pub fn fmt_num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64, kw: f64) -> Point {
        Point {
            at: DateTime::from_timestamp(1_767_944_361 + s, 0).unwrap(),
            power_kw: Some(kw),
            energy_kwh: None,
        }
    }

    fn en() -> Numbers {
        Numbers::new("en-US", "USD").unwrap()
    }

    fn attr(svg: &str, name: &str) -> i64 {
        let from = svg.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        svg[from..from + svg[from..].find('"').unwrap()]
            .parse()
            .unwrap()
    }

    /// The whole session's curve is drawn from plug-in to unplug, in hours, both widths.
    #[test]
    fn a_whole_session_curve_spans_plug_in_to_unplug() {
        let points = [
            at(0, 0.0),
            at(8, 2.0),
            at(95, 9.0),
            at(18_000, 9.0),
            at(19_530, 0.0),
        ];
        let start = points[0].at;
        let end = start + chrono::TimeDelta::seconds(19_531);
        let svg = power_curve(&points, CurveSpan::Session(start, end), &en());
        assert_eq!(svg.matches("<svg").count(), 2);
        assert_eq!(attr(&svg, "data-axis-s"), 19_531);
        assert_eq!(attr(&svg, "data-curve-s"), 19_530);
        assert!(svg.contains("time since plug-in"));
        assert!(
            svg.contains(">1 h</text>") && svg.contains(">5 h</text>"),
            "{svg}"
        );
        assert!(svg.contains("kW over the whole session"));
    }

    /// Round steps, 1 to 4 of them, the top at or just above the data.
    #[test]
    fn axes_step_in_round_numbers() {
        assert_eq!(nice_ticks(280.0), (300.0, 100.0));
        assert_eq!(nice_ticks(2500.0), (3000.0, 1000.0));
        assert_eq!(nice_ticks(50.0), (60.0, 20.0));
        assert_eq!(nice_ticks(9.22), (10.0, 5.0));
        assert_eq!(nice_ticks(400.0), (400.0, 100.0));
        assert_eq!(nice_ticks(0.0), (1.0, 0.25));
        for max in [0.3, 1.0, 7.7, 19.2, 123.0, 99_999.0] {
            let (top, step) = nice_ticks(max);
            let n = top / step;
            assert!(
                top >= max && (1.0..=4.0 + 1e-9).contains(&n),
                "{max}: {top} by {step}"
            );
            let m = step / 10f64.powf(step.log10().floor());
            assert!(
                [1.0, 2.0, 5.0].iter().any(|r| (m - r).abs() < 1e-9),
                "{max}: step {step}"
            );
        }
        assert_eq!(step_digits(100.0), 0);
        assert_eq!(step_digits(0.5), 1);
        assert_eq!(step_digits(0.05), 2);
    }

    /// Only the first minutes: the axis runs from the first reading to the last, in minutes.
    #[test]
    fn sampled_minutes_span_their_readings() {
        let points: Vec<Point> = (0..30).map(|i| at(20 + i * 10, 8.6)).collect();
        let svg = power_curve(&points, CurveSpan::Readings, &en());
        assert_eq!(attr(&svg, "data-axis-s"), 290);
        assert!(svg.contains("time since the first reading"));
        assert!(
            svg.contains(">0 min</text>") && svg.contains(">4 min</text>"),
            "{svg}"
        );
        assert!(power_curve(&[], CurveSpan::Readings, &en()).contains("No power readings"));
    }
}
