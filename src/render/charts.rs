//! SVG charts drawn at build time: no chart library, nothing to download, works from `file://`.
//! The history page's script draws the same stacked bars (assets/site.js) when the view changes.

use std::fmt::Write;

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

/// A stacked bar chart as an inline `<svg>` (viewBox 800 × 260); `series` gives (name,
/// colour) per value column, `unit` is written above the scale, and the bars' values are a
/// `quantity`: each bar's total in its tooltip is written by `numbers` as one (with `unit`
/// after it, except money, which has its symbol), the scale's labels with the decimals that
/// name each quarter of it exactly ([`quarter_digits`]), in the site's locale.
pub fn stacked_bars(
    title: &str,
    bars: &[Bar],
    series: &[(String, String)],
    unit: &str,
    quantity: Quantity,
    numbers: &Numbers,
) -> String {
    let (w, h, left, bottom, top, right) = (800.0, 260.0, 48.0, 24.0, 18.0, 12.0);
    let max = bars
        .iter()
        .map(|b| b.values.iter().sum::<f64>())
        .fold(0.0, f64::max);
    let scale_max = nice_max(max);
    let plot_h = h - bottom - top;
    let slot = (w - left - right) / bars.len().max(1) as f64;
    let bw = (slot * 0.7).max(1.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        esc(title)
    );
    for i in 0..=4 {
        let v = scale_max * f64::from(i) / 4.0;
        let y = top + plot_h - plot_h * f64::from(i) / 4.0;
        let _ = write!(
            s,
            r##"<line x1="{left}" x2="{w}" y1="{y:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end">{}</text>"##,
            left - 4.0,
            y + 3.0,
            numbers.number(v, quarter_digits(scale_max))
        );
    }
    // the unit, above the scale
    let _ = write!(
        s,
        r#"<text x="4" y="12" font-size="11">{}</text>"#,
        esc(unit)
    );
    let label_every = (bars.len() / 16).max(1);
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
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle">{}</text>"#,
                x + bw / 2.0,
                h - 8.0,
                esc(&b.label)
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// The power curve of a session's samples as inline `<svg>`s: kW up, time since the first
/// reading across; readings without power are left out. Two drawings of the same curve: one
/// 800 units wide for wider screens and one 340 units wide for narrow ones (`chart-wide`,
/// `chart-narrow`; the style sheet shows one), so that a label is at least 12 CSS pixels on
/// both (an SVG's text shrinks with its width).
pub fn power_curve(points: &[Point]) -> String {
    let readings: Vec<(i64, f64)> = points
        .iter()
        .filter_map(|p| p.power_kw.map(|kw| (p.at.timestamp(), kw)))
        .collect();
    let mut s = curve_svg(&readings, 800.0, 260.0, 12.0, "chart chart-wide");
    s.push_str(&curve_svg(
        &readings,
        340.0,
        220.0,
        13.0,
        "chart chart-narrow",
    ));
    s
}

/// One drawing of [`power_curve`], `w` × `h` units, labels `fs` units high.
fn curve_svg(readings: &[(i64, f64)], w: f64, h: f64, fs: f64, class: &str) -> String {
    let (left, bottom, top) = (fs * 4.5, fs * 2.4, fs * 1.6);
    let mut s = format!(
        r#"<svg class="{class}" viewBox="0 0 {w} {h}" role="img" aria-label="Power curve, kW over the sampled minutes" xmlns="http://www.w3.org/2000/svg">"#
    );
    let (Some(first), Some(last)) = (readings.first(), readings.last()) else {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="{fs}" text-anchor="middle">No power samples</text></svg>"#,
            w / 2.0,
            h / 2.0
        );
        return s;
    };
    let span = (last.0 - first.0).max(1) as f64;
    let scale_max = nice_max(readings.iter().map(|r| r.1).fold(0.0, f64::max));
    let plot_h = h - bottom - top;
    let plot_w = w - left - 10.0;
    for i in 0..=4 {
        let v = scale_max * f64::from(i) / 4.0;
        let y = top + plot_h - plot_h * f64::from(i) / 4.0;
        let _ = write!(
            s,
            r##"<line x1="{left:.1}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" font-size="{fs}" text-anchor="end">{} kW</text>"##,
            w - 10.0,
            left - 4.0,
            y + fs / 3.0,
            fmt_num(v)
        );
    }
    let pts: Vec<String> = readings
        .iter()
        .map(|(t, kw)| {
            let x = left + plot_w * (t - first.0) as f64 / span;
            let y = top + plot_h
                - if scale_max > 0.0 {
                    plot_h * kw / scale_max
                } else {
                    0.0
                };
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let _ = write!(
        s,
        r##"<polyline fill="none" stroke="#1b6ac9" stroke-width="2" points="{}"/>"##,
        pts.join(" ")
    );
    // the time axis: its start and end, and what it counts
    let _ = write!(
        s,
        r#"<text x="{left:.1}" y="{:.1}" font-size="{fs}">0 s</text><text x="{:.1}" y="{:.1}" font-size="{fs}" text-anchor="end">{} s since the first reading</text></svg>"#,
        h - fs * 0.6,
        w - 10.0,
        h - fs * 0.6,
        span as i64
    );
    s
}

/// A round number at or above `v` for the top of an axis.
pub fn nice_max(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * mag >= v {
            return m * mag;
        }
    }
    10.0 * mag
}

/// The decimals that name each quarter of an axis from 0 to `scale` exactly (`12.5`, not `13`):
/// 0, 1 or 2, as the page script's `quarterDigits`.
pub fn quarter_digits(scale: f64) -> u8 {
    let q = scale / 4.0;
    if q.fract() == 0.0 {
        0
    } else if (q * 10.0).fract() == 0.0 {
        1
    } else {
        2
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
