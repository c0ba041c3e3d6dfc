//! Liquid filters as Jekyll 4.3 runs them (Liquid 4 and `Jekyll::Filters`,
//! <https://jekyllrb.com/docs/liquid/filters/>), where the `liquid` crate has none or one that
//! behaves differently:
//!
//! - `date` reads Jekyll's date forms (`2023-01-01`, `2015-05-28 23:23:39 -05:00`, `… UTC`)
//!   as well as Liquid dates, and `%Z` prints a zone name as Ruby does;
//! - `date_to_xmlschema`, `date_to_rfc822`, `date_to_string`, `date_to_long_string` read the
//!   same forms and give the date in the site's zone, as Jekyll's `time` helper does;
//! - `where` and `find` match a property by its text or a list that holds the value;
//! - `to_integer`, `inspect`, `jsonify` (keys sorted), `url_encode`, `sample` (the first item).
//!
//! A date without a zone is a wall-clock time in the site's zone, `site.timezone` (UTC when
//! unset), as Jekyll sets `TZ` from `_config.yml`. The expected values in the tests are what
//! Jekyll 4.3.1 (Ruby 3.1) printed for the same input.

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use liquid_core::model::ScalarCow;
use liquid_core::{
    Display_filter, Expression, Filter, FilterParameters, FilterReflection, FromFilterParameters,
    ParseFilter, Runtime, Value, ValueView,
};

/// Adds this module's filters to `builder`; a filter added later replaces one of the same
/// name, so these replace the standard library's `date` and `where`.
pub fn register<P>(builder: liquid::ParserBuilder<P>) -> liquid::ParserBuilder<P>
where
    P: liquid::partials::PartialCompiler,
{
    builder
        .filter(Date)
        .filter(DateToXmlschema)
        .filter(DateToRfc822)
        .filter(DateToString)
        .filter(DateToLongString)
        .filter(Where)
        .filter(Find)
        .filter(ToInteger)
        .filter(Inspect)
        .filter(Jsonify)
        .filter(UrlEncode)
        .filter(Sample)
}

fn err(msg: String) -> liquid_core::Error {
    liquid_core::Error::with_msg(msg)
}

/// The site's zone: `site.timezone`; `None` when unset or not an IANA name.
fn site_tz(runtime: &dyn Runtime) -> Option<Tz> {
    let path = [ScalarCow::new("site"), ScalarCow::new("timezone")];
    runtime
        .try_get(&path)
        .and_then(|v| v.to_kstr().parse::<Tz>().ok())
}

/// A date as Ruby holds it: the instant with its offset, and what `%Z` prints (`UTC`, the
/// site zone's abbreviation for a local time, empty for a time with a numeric offset).
#[derive(Debug, Clone)]
struct RubyTime {
    at: DateTime<FixedOffset>,
    zone: String,
}

impl RubyTime {
    /// In the site's zone (Jekyll's `time(input)`, which calls `localtime`).
    fn local(instant: DateTime<FixedOffset>, tz: Tz) -> Self {
        let t = instant.with_timezone(&tz);
        Self {
            at: t.fixed_offset(),
            zone: t.format("%Z").to_string(),
        }
    }

    /// `strftime(fmt)` with the `liquid` crate's Ruby-like strftime; `%Z` is replaced by the
    /// zone name first (the crate prints `+HH:MM` for it).
    fn strftime(&self, fmt: &str) -> liquid_core::Result<String> {
        let mut f = String::with_capacity(fmt.len());
        let mut chars = fmt.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                f.push(c);
                continue;
            }
            match chars.next() {
                Some('Z') => f.push_str(&self.zone.replace('%', "%%")),
                Some(n) => {
                    f.push('%');
                    f.push(n);
                }
                None => f.push('%'),
            }
        }
        let text = self.at.format("%Y-%m-%d %H:%M:%S %z").to_string();
        let d = liquid_core::model::DateTime::from_str(&text)
            .ok_or_else(|| err(format!("{text} is not a date the liquid crate holds")))?;
        d.format(&f)
            .map_err(|_| err(format!("Invalid date-format string: {fmt}")))
    }
}

/// Liquid's `Utils.to_date` as Jekyll runs it: a Liquid date as it is; text in Jekyll's
/// forms (`2023-01-01` is midnight in `tz`; `… -05:00` keeps its offset; `… UTC`/`Z`/`GMT`
/// is UTC); digits are seconds since 1970; `now`/`today` and the crate's other forms.
/// `None` for empty text, nil, and text that is not a date.
fn to_time(input: &dyn ValueView, tz: Tz) -> Option<RubyTime> {
    let scalar = input.as_scalar()?;
    if input.type_name() == "date time" {
        let d = scalar.to_date_time()?;
        let text = d.format("%Y-%m-%d %H:%M:%S %z").ok()?;
        let at = DateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S %z").ok()?;
        let local = at.with_timezone(&tz);
        let zone = if local.offset().fix() == *at.offset() {
            local.format("%Z").to_string()
        } else if at.offset().local_minus_utc() == 0 {
            "UTC".to_owned()
        } else {
            String::new()
        };
        return Some(RubyTime { at, zone });
    }
    let text = scalar.to_kstr();
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        let secs: i64 = text.parse().ok()?;
        return Some(RubyTime::local(
            Utc.timestamp_opt(secs, 0).single()?.fixed_offset(),
            tz,
        ));
    }
    if let Ok(at) = super::date::parse(text, chrono_tz::UTC) {
        return Some(match zone_text(text) {
            "" => RubyTime::local(super::date::parse(text, tz).ok()?.fixed_offset(), tz),
            z if ["UTC", "UT", "GMT", "Z"]
                .iter()
                .any(|u| u.eq_ignore_ascii_case(z)) =>
            {
                RubyTime {
                    at: at.fixed_offset(),
                    zone: "UTC".to_owned(),
                }
            }
            z => {
                // the written offset: the wall-clock time read as UTC minus the instant
                let wall =
                    super::date::parse(text[..text.len() - z.len()].trim(), chrono_tz::UTC).ok()?;
                let secs = (wall - at).num_seconds();
                let offset = FixedOffset::east_opt(i32::try_from(secs).ok()?)?;
                RubyTime {
                    at: at.with_timezone(&offset),
                    zone: String::new(),
                }
            }
        });
    }
    let d = liquid_core::model::DateTime::from_str(text)?;
    let text = d.format("%Y-%m-%d %H:%M:%S %z").ok()?;
    let at = DateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S %z").ok()?;
    Some(RubyTime::local(at, tz))
}

/// What follows the date and the time in `text` (`-05:00`, `UTC`, or empty).
fn zone_text(text: &str) -> &str {
    let Some(i) = text.find([' ', 'T']) else {
        return "";
    };
    let rest = text[i + 1..].trim_start();
    let time_len = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.'))
        .unwrap_or(rest.len());
    rest[time_len..].trim()
}

/// Jekyll's `time(input)`: the date in the site's zone. Without `site.timezone` (Jekyll would
/// use the machine's zone) a date keeps the offset it has: cph50 gives `page.date` in the
/// blog's zone already, text with an offset keeps it, text without one is UTC.
///
/// # Errors
/// Jekyll's "Invalid Date" when `input` is not a date.
fn jekyll_time(input: &dyn ValueView, runtime: &dyn Runtime) -> liquid_core::Result<RubyTime> {
    let site = site_tz(runtime);
    let tz = site.unwrap_or(chrono_tz::UTC);
    let t = to_time(input, tz).ok_or_else(|| {
        err(format!(
            "Invalid Date: '{}' is not a valid datetime.",
            ruby_inspect(input)
        ))
    })?;
    if site.is_none() {
        return Ok(t);
    }
    Ok(RubyTime::local(t.at, tz))
}

#[derive(Debug, FilterParameters)]
struct DateArgs {
    #[parameter(description = "The strftime format.", arg_type = "str")]
    format: Expression,
}

/// `date: FORMAT`: Ruby's `strftime` of the date (see [`to_time`] for what is a date); the
/// input as it is when it is empty, nil, not a date, or the format is empty (Liquid's rule).
/// `%Z` is `UTC` for a UTC time, the site zone's abbreviation (`PST`) for a local time, and
/// empty for a time written with a numeric offset or a zone word other than UTC (Ruby's
/// `Time.parse` keeps only the offset).
#[derive(Clone, ParseFilter, FilterReflection)]
#[filter(
    name = "date",
    description = "Converts a timestamp into another date format.",
    parameters(DateArgs),
    parsed(DateF)
)]
pub struct Date;

#[derive(Debug, FromFilterParameters, Display_filter)]
#[name = "date"]
struct DateF {
    #[parameters]
    args: DateArgs,
}

impl Filter for DateF {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> liquid_core::Result<Value> {
        let args = self.args.evaluate(runtime)?;
        if args.format.is_empty() {
            return Ok(input.to_value());
        }
        match to_time(input, site_tz(runtime).unwrap_or(chrono_tz::UTC)) {
            Some(t) => Ok(Value::scalar(t.strftime(&args.format)?)),
            None => Ok(input.to_value()),
        }
    }
}

simple_filter!(
    DateToXmlschema,
    DateToXmlschemaF,
    "date_to_xmlschema",
    "ISO 8601 date in the site's zone (`2026-01-10T09:05:00-08:00`); empty input as it is",
    |input, runtime| {
        if input.to_kstr().is_empty() {
            return Ok(input.to_value());
        }
        Ok(Value::scalar(
            jekyll_time(input, runtime)?.strftime("%Y-%m-%dT%H:%M:%S%:z")?,
        ))
    }
);
simple_filter!(
    DateToRfc822,
    DateToRfc822F,
    "date_to_rfc822",
    "RFC 822 date in the site's zone (`Sat, 10 Jan 2026 09:05:00 -0800`); empty input as it is",
    |input, runtime| {
        if input.to_kstr().is_empty() {
            return Ok(input.to_value());
        }
        Ok(Value::scalar(
            jekyll_time(input, runtime)?.strftime("%a, %d %b %Y %H:%M:%S %z")?,
        ))
    }
);

#[derive(Debug, FilterParameters)]
struct DateStringArgs {
    #[parameter(description = "\"ordinal\" for 7th", arg_type = "str")]
    kind: Option<Expression>,
    #[parameter(description = "\"US\" for Nov 7th, 2008", arg_type = "str")]
    style: Option<Expression>,
}

/// `date_to_string`: `07 Nov 2008` (`"ordinal"`: `7th Nov 2008`; `"ordinal", "US"`: `Nov 7th,
/// 2008`), in the site's zone; nil or empty input as it is.
#[derive(Clone, ParseFilter, FilterReflection)]
#[filter(
    name = "date_to_string",
    description = "short date",
    parameters(DateStringArgs),
    parsed(DateToStringF)
)]
pub struct DateToString;

#[derive(Debug, FromFilterParameters, Display_filter)]
#[name = "date_to_string"]
struct DateToStringF {
    #[parameters]
    args: DateStringArgs,
}

impl Filter for DateToStringF {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> liquid_core::Result<Value> {
        let args = self.args.evaluate(runtime)?;
        stringify_date(
            input,
            runtime,
            "%b",
            args.kind.as_deref(),
            args.style.as_deref(),
        )
    }
}

/// `date_to_long_string`: `07 November 2008` (with `date_to_string`'s options).
#[derive(Clone, ParseFilter, FilterReflection)]
#[filter(
    name = "date_to_long_string",
    description = "long date",
    parameters(DateStringArgs),
    parsed(DateToLongStringF)
)]
pub struct DateToLongString;

#[derive(Debug, FromFilterParameters, Display_filter)]
#[name = "date_to_long_string"]
struct DateToLongStringF {
    #[parameters]
    args: DateStringArgs,
}

impl Filter for DateToLongStringF {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> liquid_core::Result<Value> {
        let args = self.args.evaluate(runtime)?;
        stringify_date(
            input,
            runtime,
            "%B",
            args.kind.as_deref(),
            args.style.as_deref(),
        )
    }
}

/// Jekyll's `stringify_date`.
fn stringify_date(
    input: &dyn ValueView,
    runtime: &dyn Runtime,
    month: &str,
    kind: Option<&str>,
    style: Option<&str>,
) -> liquid_core::Result<Value> {
    if input.is_nil() || input.to_kstr().is_empty() {
        return Ok(input.to_value());
    }
    let t = jekyll_time(input, runtime)?;
    if kind != Some("ordinal") {
        return Ok(Value::scalar(t.strftime(&format!("%d {month} %Y"))?));
    }
    let day = chrono::Datelike::day(&t.at);
    let suffix = match (day % 10, day % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    let fmt = if style == Some("US") {
        format!("{month} {day}{suffix}, %Y")
    } else {
        format!("{day}{suffix} {month} %Y")
    };
    Ok(Value::scalar(t.strftime(&fmt)?))
}

#[derive(Debug, FilterParameters)]
struct WhereArgs {
    #[parameter(
        description = "The property, dotted for a nested one",
        arg_type = "str"
    )]
    property: Expression,
    #[parameter(
        description = "The value it is compared with, as text",
        arg_type = "any"
    )]
    value: Expression,
}

/// Jekyll's `item_property` + `parse_sort_input`: `item.prop` (`a.b` goes into objects), as
/// the text Ruby would compare (integer-like and float-like text becomes a number first, so
/// `"007"` is compared as `7`); a list stays a list.
fn item_property<'v>(item: &'v dyn ValueView, property: &str) -> Option<&'v dyn ValueView> {
    let mut v = item;
    for key in property.split('.') {
        v = v.as_object()?.get(key)?;
    }
    (!v.is_nil()).then_some(v)
}

/// Ruby's `to_s` of a property after `parse_sort_input`.
fn sort_input_text(v: &dyn ValueView) -> String {
    let text = v.to_kstr().to_string();
    if v.as_scalar().is_none() {
        return text;
    }
    let t = text.trim();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = t.strip_prefix('-').unwrap_or(t);
    if digits(unsigned) {
        if let Ok(n) = t.parse::<i128>() {
            return n.to_string();
        }
    }
    let float_like = match unsigned.split_once('.') {
        Some((a, b)) => (digits(a) && (b.is_empty() || digits(b))) || (a.is_empty() && digits(b)),
        None => false,
    };
    if float_like {
        if let Ok(f) = t.parse::<f64>() {
            return ruby_float(f);
        }
    }
    text
}

/// Ruby's `Float#to_s` for ordinary magnitudes: `1.5`, `2.0`.
fn ruby_float(f: f64) -> String {
    let s = f.to_string();
    if s.contains(['.', 'e', 'N', 'i']) {
        s
    } else {
        format!("{s}.0")
    }
}

/// Jekyll's `compare_property_vs_target`: nil matches a missing or nil property; otherwise
/// text matches a property with the same text, or a list with an item of that text.
fn matches(item: &dyn ValueView, property: &str, value: &dyn ValueView) -> bool {
    let prop = item_property(item, property);
    if value.is_nil() {
        return prop.is_none();
    }
    let target = value.to_kstr();
    match prop {
        None => false,
        Some(p) => match p.as_array() {
            Some(list) => list.values().any(|x| sort_input_text(x) == target.as_str()),
            None => sort_input_text(p) == target.as_str(),
        },
    }
}

/// The items of `input` `where` and `find` look through (an object's values), or `None` when
/// the input is given back as it is.
fn items(input: &dyn ValueView) -> Option<Vec<&dyn ValueView>> {
    if let Some(a) = input.as_array() {
        return Some(a.values().collect());
    }
    input.as_object().map(|o| o.values().collect())
}

/// `where: "prop", value`: the items whose `prop` has the text of `value`, or is a list with
/// an item of that text (`where: "tags", "ruby"`); `where: "prop", nil` keeps items without
/// it. Not a list, or a list or object as `value`: the input as it is.
#[derive(Clone, ParseFilter, FilterReflection)]
#[filter(
    name = "where",
    description = "Jekyll's where: items whose property is the value",
    parameters(WhereArgs),
    parsed(WhereF)
)]
pub struct Where;

#[derive(Debug, FromFilterParameters, Display_filter)]
#[name = "where"]
struct WhereF {
    #[parameters]
    args: WhereArgs,
}

impl Filter for WhereF {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> liquid_core::Result<Value> {
        let args = self.args.evaluate(runtime)?;
        let value = args.value.as_view();
        if value.as_array().is_some() || value.as_object().is_some() {
            return Ok(input.to_value());
        }
        let Some(list) = items(input) else {
            return Ok(input.to_value());
        };
        Ok(Value::Array(
            list.into_iter()
                .filter(|i| matches(*i, &args.property, value))
                .map(ValueView::to_value)
                .collect(),
        ))
    }
}

/// `find: "prop", value` (Jekyll 4.1): the first item `where` would keep, else nil.
#[derive(Clone, ParseFilter, FilterReflection)]
#[filter(
    name = "find",
    description = "Jekyll's find: the first item whose property is the value",
    parameters(WhereArgs),
    parsed(FindF)
)]
pub struct Find;

#[derive(Debug, FromFilterParameters, Display_filter)]
#[name = "find"]
struct FindF {
    #[parameters]
    args: WhereArgs,
}

impl Filter for FindF {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> liquid_core::Result<Value> {
        let args = self.args.evaluate(runtime)?;
        let value = args.value.as_view();
        if value.as_array().is_some() || value.as_object().is_some() {
            return Ok(input.to_value());
        }
        let Some(list) = items(input) else {
            return Ok(input.to_value());
        };
        Ok(list
            .into_iter()
            .find(|i| matches(*i, &args.property, value))
            .map_or(Value::Nil, ValueView::to_value))
    }
}

/// Ruby's `String#to_i`: leading blanks, a sign, digits with single `_` between them; 0 when
/// there are none.
fn ruby_to_i(text: &str) -> i64 {
    let t = text.trim_start();
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let mut n: i64 = 0;
    let mut prev_digit = false;
    let bytes = t.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b.is_ascii_digit() {
            n = n.saturating_mul(10).saturating_add(i64::from(b - b'0'));
            prev_digit = true;
        } else if b == b'_' && prev_digit && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            prev_digit = false;
        } else {
            break;
        }
    }
    if neg { -n } else { n }
}

simple_filter!(
    ToInteger,
    ToIntegerF,
    "to_integer",
    "Ruby's to_i: true 1, false 0, nil 0, 1.9 1, \"12abc\" 12, a date its Unix seconds",
    |input, _runtime| {
        if input.is_nil() {
            return Ok(Value::scalar(0i64));
        }
        let Some(s) = input.as_scalar() else {
            return Err(err(format!(
                "undefined method `to_i' for {}",
                ruby_inspect(input)
            )));
        };
        #[allow(clippy::cast_possible_truncation)]
        let n = match input.type_name() {
            "boolean" => i64::from(s.to_bool().unwrap_or_default()),
            "whole number" => s.to_integer().unwrap_or_default(),
            "fractional number" => s.to_float().unwrap_or_default().trunc() as i64,
            "date time" => s
                .to_date_time()
                .and_then(|d| d.format("%s").ok())
                .and_then(|t| t.parse().ok())
                .unwrap_or_default(),
            _ => ruby_to_i(&s.to_kstr()),
        };
        Ok(Value::scalar(n))
    }
);

/// Ruby's `String#inspect` (UTF-8): quotes, with `"`, `\`, `#{`, `#$`, `#@` and control
/// characters escaped.
fn ruby_string_inspect(s: &str, out: &mut String) {
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '#' if matches!(chars.peek(), Some('{' | '$' | '@')) => out.push_str("\\#"),
            c if c.is_control() => {
                let n = u32::from(c);
                if n < 0x80 {
                    let _ = write!(out, "\\x{n:02X}");
                } else {
                    let _ = write!(out, "\\u{n:04X}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Ruby's `inspect` of a Liquid value (Ruby 3.1: `{"a"=>1}`), before Jekyll escapes it.
fn ruby_inspect(v: &dyn ValueView) -> String {
    let mut out = String::new();
    inspect_into(v, &mut out);
    out
}

fn inspect_into(v: &dyn ValueView, out: &mut String) {
    if v.is_nil() {
        out.push_str("nil");
    } else if let Some(a) = v.as_array() {
        out.push('[');
        for (i, x) in a.values().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            inspect_into(x, out);
        }
        out.push(']');
    } else if let Some(o) = v.as_object() {
        out.push('{');
        // keys sorted: the crate's objects have no fixed order, and a build must repeat
        let mut entries: Vec<_> = o.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (i, (k, x)) in entries.into_iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            ruby_string_inspect(k.as_str(), out);
            out.push_str("=>");
            inspect_into(x, out);
        }
        out.push('}');
    } else if let Some(s) = v.as_scalar() {
        match v.type_name() {
            "string" => ruby_string_inspect(&s.to_kstr(), out),
            "fractional number" => out.push_str(&ruby_float(s.to_float().unwrap_or_default())),
            // a date prints as Ruby's Time#inspect, `2026-01-10 17:05:00 +0000`
            _ => out.push_str(&s.to_kstr()),
        }
    } else {
        out.push_str(&v.to_kstr());
    }
}

simple_filter!(
    Inspect,
    InspectF,
    "inspect",
    "Ruby's inspect of the value, XML-escaped as Jekyll does: \"x\" gives &quot;x&quot;",
    |input, _runtime| {
        let text = ruby_inspect(input)
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;");
        Ok(Value::scalar(text))
    }
);

/// JSON of a value with object keys in sorted order (the same on every run) and lists in
/// order; a date is its text, as Ruby's `Time#to_json`.
fn json_into(v: &dyn ValueView, out: &mut String) -> liquid_core::Result<()> {
    let quote = |s: &str, out: &mut String| -> liquid_core::Result<()> {
        out.push_str(&serde_json::to_string(s).map_err(|e| err(e.to_string()))?);
        Ok(())
    };
    if v.is_nil() {
        out.push_str("null");
    } else if let Some(a) = v.as_array() {
        out.push('[');
        for (i, x) in a.values().enumerate() {
            if i > 0 {
                out.push(',');
            }
            json_into(x, out)?;
        }
        out.push(']');
    } else if let Some(o) = v.as_object() {
        let mut entries: Vec<_> = o.iter().collect();
        entries.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        out.push('{');
        for (i, (k, x)) in entries.into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            quote(k.as_str(), out)?;
            out.push(':');
            json_into(x, out)?;
        }
        out.push('}');
    } else if let Some(s) = v.as_scalar() {
        let float = s.to_float().filter(|f| f.is_finite());
        match v.type_name() {
            "boolean" | "whole number" => out.push_str(&s.to_kstr()),
            "fractional number" if float.is_some() => {
                out.push_str(&ruby_float(float.unwrap_or_default()));
            }
            _ => quote(&s.to_kstr(), out)?,
        }
    } else {
        quote(&v.to_kstr(), out)?;
    }
    Ok(())
}

simple_filter!(
    Jsonify,
    JsonifyF,
    "jsonify",
    "JSON of a value, object keys sorted so every build prints the same",
    |input, _runtime| {
        let mut out = String::new();
        json_into(input, &mut out)?;
        Ok(Value::scalar(out))
    }
);

simple_filter!(
    UrlEncode,
    UrlEncodeF,
    "url_encode",
    "Ruby's CGI.escape: letters, digits and _.-~ kept, space +, other bytes %XX; nil as it is",
    |input, _runtime| {
        if input.is_nil() {
            return Ok(Value::Nil);
        }
        Ok(Value::scalar(cgi_escape(&input.to_kstr())))
    }
);

#[derive(Debug, FilterParameters)]
struct SampleArgs {
    #[parameter(description = "How many items", arg_type = "integer")]
    count: Option<Expression>,
}

/// `sample` (`sample: N`): Jekyll picks at random; this gives the FIRST item (the first N
/// items) so that a build prints the same every time. Nil for an empty list; not a list: the
/// input as it is.
#[derive(Clone, ParseFilter, FilterReflection)]
#[filter(
    name = "sample",
    description = "the first item (Jekyll: a random one)",
    parameters(SampleArgs),
    parsed(SampleF)
)]
pub struct Sample;

#[derive(Debug, FromFilterParameters, Display_filter)]
#[name = "sample"]
struct SampleF {
    #[parameters]
    args: SampleArgs,
}

impl Filter for SampleF {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> liquid_core::Result<Value> {
        let args = self.args.evaluate(runtime)?;
        let Some(list) = input.as_array() else {
            return Ok(input.to_value());
        };
        match args.count.unwrap_or(1) {
            1 => Ok(list.first().map_or(Value::Nil, |v| v.to_value())),
            n => Ok(Value::Array(
                list.values()
                    .take(usize::try_from(n).unwrap_or(0))
                    .map(ValueView::to_value)
                    .collect(),
            )),
        }
    }
}

/// Ruby's `CGI.escape`: letters, digits and `_.-~` kept, a space `+`, every other byte `%XX`
/// (`url_encode` and `cgi_escape`).
pub fn cgi_escape(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b' ' => out.push('+'),
            b if b.is_ascii_alphanumeric() || b"_.-~".contains(&b) => out.push(char::from(b)),
            b => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    //! Every expected value below is what Jekyll 4.3.1 (Ruby 3.1, Liquid 4) printed for the
    //! same Liquid in a scratch site's `_posts/2026-01-10-x.md` (`jekyll build -s src -d out`),
    //! with `timezone: UTC` and, for `la`, `timezone: America/Los_Angeles`, except `sample`,
    //! which is random in Jekyll and the first item here.
    use super::*;

    fn render_in(tz: &str, page_date: &str, text: &str) -> String {
        let parser = register(liquid::ParserBuilder::with_stdlib())
            .build()
            .unwrap();
        let date = liquid_core::model::DateTime::from_str(page_date).unwrap();
        let mut globals = liquid::object!({
            "site": {
                "timezone": tz,
                "data": {"items": [
                    {"name": "a", "tags": ["ruby", "rust"], "n": 5, "color": "red"},
                    {"name": "b", "tags": ["go"], "n": "5", "color": "blue"},
                    {"name": "c", "tags": "ruby", "n": 7},
                    {"name": "d", "price": "1.50", "n": "007"},
                ]},
            },
            "page": {
                "obj": {"b": 2, "a": [1, "x", 1.5], "c": {"z": nil, "y": true}, "k\"q": "é/<\n\t"},
            },
            "nil": nil,
        });
        // `object!` would turn the date into text; posts.rs gives a Liquid date
        if let Some(Value::Object(page)) = globals.get_mut("page") {
            page.insert("date".into(), Value::scalar(date));
        }
        parser.parse(text).unwrap().render(&globals).unwrap()
    }

    fn utc(text: &str) -> String {
        render_in("UTC", "2026-01-10 17:05:00 +0000", text)
    }

    fn la(text: &str) -> String {
        render_in("America/Los_Angeles", "2026-01-10 09:05:00 -0800", text)
    }

    const F: &str = "\"%Y-%m-%d %H:%M:%S %z %Z\"";

    #[test]
    fn date_reads_jekylls_forms_and_names_the_zone_as_ruby() {
        let d = |input: &str| utc(&format!("{{{{ {input} | date: {F} }}}}"));
        assert_eq!(d("\"2023-01-01\""), "2023-01-01 00:00:00 +0000 UTC");
        assert_eq!(
            d("\"2015-05-28 23:23:39 -05:00\""),
            "2015-05-28 23:23:39 -0500 "
        );
        assert_eq!(
            d("\"2015-05-28 23:23:39 UTC\""),
            "2015-05-28 23:23:39 +0000 UTC"
        );
        assert_eq!(
            d("\"2015-05-28T23:23:39Z\""),
            "2015-05-28 23:23:39 +0000 UTC"
        );
        assert_eq!(
            d("\"2015-05-28 23:23:39 PST\""),
            "2015-05-28 23:23:39 -0800 "
        );
        assert_eq!(d("page.date"), "2026-01-10 17:05:00 +0000 UTC");
        assert_eq!(
            utc("{{ \"2015-05-28 23:23\" | date: \"%a %b %e %I:%M %p %j %Z\" }}"),
            "Thu May 28 11:23 PM 148 UTC"
        );
        assert_eq!(
            utc(
                "[{{ \"\" | date: \"%Y\" }}][{{ nil | date: \"%Y\" }}][{{ \"garbage\" | date: \"%Y\" }}]"
            ),
            "[][][garbage]"
        );
        let d = |input: &str| la(&format!("{{{{ {input} | date: {F} }}}}"));
        assert_eq!(d("\"2023-01-01\""), "2023-01-01 00:00:00 -0800 PST");
        assert_eq!(d("\"2023-07-01 10:00\""), "2023-07-01 10:00:00 -0700 PDT");
        assert_eq!(d("page.date"), "2026-01-10 09:05:00 -0800 PST");
        assert_eq!(
            la("{{ \"2015-05-28 23:23:39 UTC\" | date: \"%H %Z\" }}"),
            "23 UTC"
        );
    }

    #[test]
    fn jekylls_date_filters_give_the_date_in_the_site_zone() {
        let inputs = [
            "\"2023-01-01\"",
            "\"2015-05-28 23:23:39 -05:00\"",
            "\"2015-05-28 23:23:39 UTC\"",
            "page.date",
        ];
        let all = |f: &str| {
            inputs
                .iter()
                .map(|i| utc(&format!("[{{{{ {i} | {f} }}}}]")))
                .collect::<String>()
        };
        assert_eq!(
            all("date_to_xmlschema"),
            "[2023-01-01T00:00:00+00:00][2015-05-29T04:23:39+00:00][2015-05-28T23:23:39+00:00][2026-01-10T17:05:00+00:00]"
        );
        assert_eq!(
            all("date_to_rfc822"),
            "[Sun, 01 Jan 2023 00:00:00 +0000][Fri, 29 May 2015 04:23:39 +0000][Thu, 28 May 2015 23:23:39 +0000][Sat, 10 Jan 2026 17:05:00 +0000]"
        );
        assert_eq!(
            utc(
                "[{{ \"2023-01-01\" | date_to_string }}][{{ \"2015-05-03 23:23:39 -05:00\" | date_to_string: \"ordinal\" }}][{{ \"2015-05-22 23:23:39 UTC\" | date_to_long_string: \"ordinal\", \"US\" }}][{{ page.date | date_to_long_string }}][{{ nil | date_to_string }}][{{ \"\" | date_to_xmlschema }}]"
            ),
            "[01 Jan 2023][4th May 2015][May 22nd, 2015][10 January 2026][][]"
        );
        assert_eq!(
            la(
                "[{{ \"2023-01-01\" | date_to_xmlschema }}][{{ \"2015-05-28 23:23:39 UTC\" | date_to_xmlschema }}][{{ \"2015-05-28 23:23:39 UTC\" | date_to_rfc822 }}][{{ \"2015-05-31 23:23:39 -05:00\" | date_to_string }}]"
            ),
            "[2023-01-01T00:00:00-08:00][2015-05-28T16:23:39-07:00][Thu, 28 May 2015 16:23:39 -0700][31 May 2015]"
        );
    }

    #[test]
    fn a_text_that_is_not_a_date_stops_jekylls_date_filters() {
        let parser = register(liquid::ParserBuilder::with_stdlib())
            .build()
            .unwrap();
        let e = parser
            .parse("{{ \"soon\" | date_to_xmlschema }}")
            .unwrap()
            .render(&liquid::object!({}))
            .unwrap_err()
            .to_string();
        assert!(e.contains("Invalid Date: '\"soon\"'"), "{e}");
    }

    fn names(filter: &str) -> String {
        utc(&format!(
            "{{% assign w = site.data.items | {filter} %}}{{% for i in w %}}{{{{ i.name }}}}{{% endfor %}}"
        ))
    }

    #[test]
    fn where_matches_text_lists_and_nil_as_jekyll() {
        assert_eq!(names("where: \"tags\", \"ruby\""), "ac");
        assert_eq!(names("where: \"n\", 5"), "ab");
        assert_eq!(names("where: \"n\", \"7\""), "cd");
        assert_eq!(names("where: \"color\", nil"), "cd");
        assert_eq!(names("where: \"price\", \"1.50\""), "");
        assert_eq!(names("where: \"n\", \"007\""), "");
        assert_eq!(
            utc(
                "[{% assign w = nil | where: \"n\", \"7\" %}{{ w }}][{% assign w = site.data.items | where: \"nope\", \"x\" %}{{ w | size }}]"
            ),
            "[][0]"
        );
    }

    #[test]
    fn find_gives_the_first_match_or_nil() {
        assert_eq!(
            utc(
                "[{% assign f = site.data.items | find: \"tags\", \"go\" %}{{ f.name }}][{% assign f = site.data.items | find: \"tags\", \"zzz\" %}{{ f | inspect }}][{% assign f = nil | find: \"tags\", \"zzz\" %}{{ f | inspect }}]"
            ),
            "[b][nil][nil]"
        );
        assert_eq!(
            utc("{% assign f = site.data.items | find: \"n\", 5 %}{{ f.name }}"),
            "a"
        );
    }

    #[test]
    fn to_integer_is_rubys_to_i() {
        assert_eq!(
            utc(
                "[{{ \"12abc\" | to_integer }}][{{ \" -3x\" | to_integer }}][{{ 1.9 | to_integer }}][{{ true | to_integer }}][{{ false | to_integer }}][{{ nil | to_integer }}][{{ \"abc\" | to_integer }}][{{ \"1_000\" | to_integer }}][{{ page.date | to_integer }}]"
            ),
            "[12][-3][1][1][0][0][0][1000][1768064700]"
        );
    }

    #[test]
    fn inspect_is_rubys_inspect_xml_escaped() {
        assert_eq!(
            utc(
                "[{{ \"x\" | inspect }}][{{ nil | inspect }}][{{ 1.5 | inspect }}][{{ 2.0 | inspect }}][{{ true | inspect }}][{{ page.date | inspect }}][{{ \"é<\" | inspect }}]"
            ),
            "[&quot;x&quot;][nil][1.5][2.0][true][2026-01-10 17:05:00 +0000][&quot;é&lt;&quot;]"
        );
        // Ruby keeps a hash's order and the crate does not, so one key at a time
        assert_eq!(
            utc("{{ page.obj.c.z | inspect }} {{ page.obj.a | inspect }}"),
            "nil [1, &quot;x&quot;, 1.5]"
        );
        let mut one = String::new();
        inspect_into(&liquid::object!({"k\"q": "é/<\n\t"}), &mut one);
        assert_eq!(one, r#"{"k\"q"=>"é/<\n\t"}"#);
    }

    #[test]
    fn jsonify_sorts_keys_and_escapes_as_ruby() {
        // Jekyll printed {"b":2,"a":[1,"x",1.5],"c":{"z":null,"y":true},"k\"q":"é/<\n\t"}:
        // the same values, keys in the front matter's order, which the crate does not keep
        assert_eq!(
            utc("{{ page.obj | jsonify }}"),
            r#"{"a":[1,"x",1.5],"b":2,"c":{"y":true,"z":null},"k\"q":"é/<\n\t"}"#
        );
        assert_eq!(
            utc("[{{ nil | jsonify }}][{{ 2.0 | jsonify }}][{{ page.date | jsonify }}]"),
            "[null][2.0][\"2026-01-10 17:05:00 +0000\"]"
        );
    }

    #[test]
    fn url_encode_is_cgi_escape() {
        assert_eq!(
            utc(
                "[{{ \"a b&c/d~e*f.g-h_i\" | url_encode }}][{{ \"é\" | url_encode }}][{{ nil | url_encode }}][{{ 5 | url_encode }}]"
            ),
            "[a+b%26c%2Fd~e%2Af.g-h_i][%C3%A9][][5]"
        );
    }

    #[test]
    fn sample_is_the_first_item_so_builds_repeat() {
        // Jekyll printed a random name (`d` once); "str" and nil as here
        assert_eq!(
            utc(
                "[{{ site.data.items | map: \"name\" | sample }}][{{ \"str\" | sample }}][{% assign e = \"\" | split: \",\" %}{{ e | sample | inspect }}][{{ site.data.items | map: \"name\" | sample: 2 | join: \",\" }}]"
            ),
            "[a][str][nil][a,b]"
        );
    }
}
