//! Numbers for people: the ONE place where the site turns energy, power, money, distance,
//! shares and counts into text, in the site's locale and currency (config file `locale`,
//! `currency`). The pages' Tera filters ([`super::tera_env`]), the SVG charts and the
//! time-of-use tables all call it; the page script formats with `Intl.NumberFormat` in the same
//! locale and currency and with the same decimals ([`Quantity::digits`], passed to it on the
//! page's `<body>`), so a figure drawn by the browser reads as the one drawn here.
//!
//! Each quantity has one number of decimals everywhere (site, `sessions.csv`,
//! `api/v1/sessions.json`):
//!
//! | quantity | decimals | en-US | de-DE |
//! |---|---|---|---|
//! | energy, kWh | 2 | `1,234.57` | `1.234,57` |
//! | power, kW | 2 | `7.21` | `7,21` |
//! | money | 2 | `$1,234.50` | `1.234,50 €` |
//! | price per kWh | 2 to 5 (as configured) | `$0.1325` | `0,1325 €` |
//! | distance, miles | 0 (an estimate) | `1,235` | `1.235` |
//! | share, percent | 1 | `37.5` | `37,5` |
//! | count | 0 | `1,234` | `1.234` |
//!
//! Rounding is half away from zero ("half expand", as `Intl.NumberFormat`) on the shortest
//! decimal that reads back as the same `f64` (as JavaScript prints a number), so `1.005` is
//! `1.01` on both sides; a value that rounds to zero never shows a minus sign.
//!
//! Separators, digits and the currency symbol and its place come from the Unicode CLDR data of
//! ICU4X (`icu_decimal`; the currency pattern from `icu_experimental`), as the browser's do. A
//! negative amount is the locale's minus sign before the positive pattern (CLDR's rule for a
//! pattern with no negative form: `-$12.34`, `-12,34 €`).

use std::fmt;
use std::sync::Arc;

use fixed_decimal::{Decimal, SignDisplay, SignedRoundingMode, UnsignedRoundingMode};
use icu_decimal::DecimalFormatter;
use icu_experimental::dimension::currency::CurrencyCode;
use icu_experimental::dimension::currency::formatter::CurrencyFormatter;
use icu_locale_core::Locale;
use writeable::Writeable;

/// The locale of the site when the config file names none.
pub const DEFAULT_LOCALE: &str = "en-US";
/// The currency of the site when the config file (and its rate plan) names none: ChargePoint's
/// `currency_iso_code` for a US account.
pub const DEFAULT_CURRENCY: &str = "USD";

/// A kind of figure, with its fixed number of decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// Energy, kWh.
    Energy,
    /// Power, kW.
    Power,
    /// An amount of money, in the site's currency.
    Money,
    /// Estimated distance, miles.
    Miles,
    /// A share, percent.
    Percent,
    /// A count (sessions).
    Count,
}

impl Quantity {
    /// Decimals shown (and kept in the site's CSV and JSON exports).
    pub const fn digits(self) -> u8 {
        match self {
            Self::Energy | Self::Power | Self::Money => 2,
            Self::Percent => 1,
            Self::Miles | Self::Count => 0,
        }
    }
}

/// Most decimals of a price per kWh (tariff sheets price to a tenth of a cent or finer).
pub const PRICE_MAX_DIGITS: u8 = 5;

/// The formatter of a site: a locale and a currency, checked.
#[derive(Clone)]
pub struct Numbers {
    inner: Arc<Inner>,
}

struct Inner {
    locale: String,
    currency: String,
    decimal: DecimalFormatter,
    money: CurrencyFormatter,
    code: CurrencyCode,
    /// Decimals of an amount: the currency's minor unit in ISO 4217 (2 for USD and EUR, 0 for
    /// JPY, 3 for KWD).
    money_digits: u8,
    /// The locale's minus sign around a number (`-`, ``), for negative amounts.
    minus: (String, String),
}

impl fmt::Debug for Numbers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Numbers")
            .field("locale", &self.inner.locale)
            .field("currency", &self.inner.currency)
            .finish()
    }
}

impl PartialEq for Numbers {
    fn eq(&self, other: &Self) -> bool {
        self.inner.locale == other.inner.locale && self.inner.currency == other.inner.currency
    }
}

impl Numbers {
    /// The formatter for `locale` (BCP 47: `en-US`, `de-DE`, `fr-CH`) and `currency` (ISO 4217:
    /// `USD`, `EUR`). A well-formed locale that CLDR has no data for falls back to its parent
    /// (`de-XX` to `de`), as a browser does.
    ///
    /// # Errors
    /// A message naming the value, when `locale` is not a BCP 47 language tag or `currency` is
    /// not three capital letters.
    pub fn new(locale: &str, currency: &str) -> Result<Self, String> {
        let parsed = Locale::try_from_str(locale.trim()).map_err(|e| {
            format!("locale: {locale:?} is not a BCP 47 language tag such as \"en-US\" ({e})")
        })?;
        // ISO 4217's list (the `iso_currency` crate): a code it lacks, or one without a minor
        // unit (gold, funds, `XXX`), is no currency an account is billed in
        let money_digits = iso_currency::Currency::from_code(currency)
            .and_then(|c| c.exponent())
            .and_then(|e| u8::try_from(e).ok())
            .ok_or_else(|| {
                format!("currency: {currency:?} is not an ISO 4217 currency code such as \"USD\"")
            })?;
        // a Unicode extension (`-u-nu-arab`) is read differently by ICU4X and browsers
        if locale.contains("-u-") || locale.contains("-U-") {
            return Err(format!(
                "locale: {locale:?}: Unicode extensions (-u-...) are not supported; use a plain tag such as \"ar-EG\""
            ));
        }
        let code = tinystr::TinyAsciiStr::try_from_str(currency)
            .map(CurrencyCode)
            .map_err(|e| format!("currency: {currency:?}: {e}"))?;
        let decimal = DecimalFormatter::try_new((&parsed).into(), Default::default())
            .map_err(|e| format!("locale: {locale:?}: no number data ({e})"))?;
        let money = CurrencyFormatter::try_new((&parsed).into(), Default::default())
            .map_err(|e| format!("locale: {locale:?}: no currency data ({e})"))?;
        // the minus sign and where it goes: the locale's form of -1
        let minus_one = decimal.format(&Decimal::from(-1)).to_string();
        let one = decimal.format(&Decimal::from(1)).to_string();
        let minus = minus_one.split_once(&one).map_or_else(
            || ("-".to_owned(), String::new()),
            |(a, b)| (a.into(), b.into()),
        );
        Ok(Self {
            inner: Arc::new(Inner {
                locale: parsed.to_string(),
                currency: currency.to_owned(),
                decimal,
                money,
                code,
                money_digits,
                minus,
            }),
        })
    }

    /// Each quantity's decimals for the page script, as JSON:
    /// `{"kwh":2,"kw":2,"money":2,"miles":0,"percent":1,"count":0}`; `money` is the currency's
    /// minor unit (0 for JPY).
    pub fn digits_json(&self) -> String {
        let d = |q: Quantity| q.digits();
        format!(
            r#"{{"kwh":{},"kw":{},"money":{},"miles":{},"percent":{},"count":{}}}"#,
            d(Quantity::Energy),
            d(Quantity::Power),
            self.inner.money_digits,
            d(Quantity::Miles),
            d(Quantity::Percent),
            d(Quantity::Count)
        )
    }

    /// The locale, canonical (`en-US`), for the page script's `Intl.NumberFormat`.
    pub fn locale(&self) -> &str {
        &self.inner.locale
    }

    /// The ISO 4217 currency code (`USD`).
    pub fn currency(&self) -> &str {
        &self.inner.currency
    }

    /// `v` with `digits` decimals and the locale's separators: `1,234.57` (en-US),
    /// `1.234,57` (de-DE). Not finite: `–`.
    pub fn number(&self, v: f64, digits: u8) -> String {
        match rounded(v, digits) {
            Some(d) => self.inner.decimal.format(&d).to_string(),
            None => "–".to_owned(),
        }
    }

    /// `v` as a `quantity`, number only (the unit is the caller's: a column header or ` kWh`).
    pub fn quantity(&self, v: f64, quantity: Quantity) -> String {
        match quantity {
            Quantity::Money => self.money(v),
            q => self.number(v, q.digits()),
        }
    }

    /// Energy, `1,234.57` (kWh, [`Quantity::Energy`]).
    pub fn kwh(&self, v: f64) -> String {
        self.number(v, Quantity::Energy.digits())
    }

    /// Power, `7.21` (kW, [`Quantity::Power`]).
    pub fn kw(&self, v: f64) -> String {
        self.number(v, Quantity::Power.digits())
    }

    /// Miles, `1,235` ([`Quantity::Miles`]).
    pub fn miles(&self, v: f64) -> String {
        self.number(v, Quantity::Miles.digits())
    }

    /// A share in percent, `37.5` ([`Quantity::Percent`]).
    pub fn percent(&self, v: f64) -> String {
        self.number(v, Quantity::Percent.digits())
    }

    /// An amount with the currency's symbol where the locale puts it: `$1,234.50` (en-US, USD),
    /// `1.234,50 €` (de-DE, EUR), `-$12.34`.
    pub fn money(&self, v: f64) -> String {
        let d = self.inner.money_digits;
        self.money_digits(v, d, d)
    }

    /// A price per kWh as configured, 2 to [`PRICE_MAX_DIGITS`] decimals: `$0.1325`, `$0.13`.
    pub fn price(&self, v: f64) -> String {
        let d = self.inner.money_digits;
        self.money_digits(v, d, PRICE_MAX_DIGITS.max(d))
    }

    fn money_digits(&self, v: f64, min: u8, max: u8) -> String {
        let Some(mut d) = rounded(v, max) else {
            return "–".to_owned();
        };
        if max > min {
            d.absolute.trim_end();
            d.absolute.pad_end(-i16::from(min));
        }
        let negative = d.sign == fixed_decimal::Sign::Negative;
        d.sign = fixed_decimal::Sign::None;
        let text = self
            .inner
            .money
            .format_fixed_decimal(&d, self.inner.code)
            .write_to_string()
            .into_owned();
        if negative {
            format!("{}{text}{}", self.inner.minus.0, self.inner.minus.1)
        } else {
            text
        }
    }
}

/// `v` rounded to `digits` decimals, half away from zero on its shortest round-trip decimal,
/// with exactly `digits` decimals and no sign on zero; `None` when not finite.
fn rounded(v: f64, digits: u8) -> Option<Decimal> {
    if !v.is_finite() {
        return None;
    }
    // Rust prints an f64 as the shortest decimal that reads back as it, never in exponent form
    let mut d = Decimal::try_from_str(&v.to_string()).ok()?;
    let position = -i16::from(digits);
    d.round_with_mode(
        position,
        SignedRoundingMode::Unsigned(UnsignedRoundingMode::HalfExpand),
    );
    d.absolute.pad_end(position);
    d.apply_sign_display(SignDisplay::Negative);
    Some(d)
}

/// `v` rounded to a `quantity`'s decimals by the rule of the text (see the module), as a number
/// for the machine-readable exports: `44.465` kWh is `44.47`. Not finite: unchanged.
pub fn round(v: f64, quantity: Quantity) -> f64 {
    rounded(v, quantity.digits())
        .and_then(|d| d.to_string().parse().ok())
        .map_or(v, |r: f64| if r == 0.0 { 0.0 } else { r })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us() -> Numbers {
        Numbers::new(DEFAULT_LOCALE, DEFAULT_CURRENCY).unwrap()
    }

    fn de() -> Numbers {
        Numbers::new("de-DE", "EUR").unwrap()
    }

    #[test]
    fn en_us_has_comma_groups_and_a_dollar_before() {
        let n = us();
        assert_eq!(n.kwh(1234.5), "1,234.50");
        assert_eq!(n.kwh(44.465), "44.47");
        assert_eq!(n.kwh(5.667), "5.67");
        assert_eq!(n.kw(7.2), "7.20");
        assert_eq!(n.miles(1234.5), "1,235");
        assert_eq!(n.percent(37.46), "37.5");
        assert_eq!(n.money(1234.5), "$1,234.50");
        assert_eq!(n.money(54.53), "$54.53");
        assert_eq!(n.money(-12.34), "-$12.34");
        assert_eq!(n.price(0.13), "$0.13");
        assert_eq!(n.price(0.1325), "$0.1325");
        assert_eq!(n.price(0.123456), "$0.12346");
        assert_eq!(n.number(1_234_567.0, 0), "1,234,567");
    }

    #[test]
    fn de_de_has_dot_groups_a_decimal_comma_and_the_euro_after() {
        let n = de();
        assert_eq!(n.kwh(1234.5), "1.234,50");
        assert_eq!(n.number(1234.5, 1), "1.234,5");
        assert_eq!(n.money(12.34), "12,34\u{a0}€");
        assert_eq!(n.money(1234.5), "1.234,50\u{a0}€");
        assert_eq!(n.money(-12.34), "-12,34\u{a0}€");
        assert_eq!(n.miles(1234.4), "1.234");
    }

    #[test]
    fn the_currency_symbol_follows_the_code_in_either_locale() {
        assert_eq!(Numbers::new("en-US", "EUR").unwrap().money(12.5), "€12.50");
        assert_eq!(
            Numbers::new("de-DE", "USD").unwrap().money(12.5),
            "12,50\u{a0}$"
        );
        assert_eq!(Numbers::new("en-GB", "GBP").unwrap().money(3.0), "£3.00");
    }

    #[test]
    fn zero_never_shows_a_minus_sign() {
        for n in [us(), de()] {
            assert!(!n.kwh(-0.0).contains('-'), "{}", n.kwh(-0.0));
            assert!(!n.kwh(-0.001).contains('-'), "{}", n.kwh(-0.001));
            assert!(!n.money(-0.004).contains('-'), "{}", n.money(-0.004));
        }
        assert_eq!(us().kwh(-0.001), "0.00");
        assert_eq!(us().money(-0.004), "$0.00");
        assert_eq!(round(-0.001, Quantity::Energy).to_string(), "0");
    }

    #[test]
    fn rounding_is_half_away_from_zero_on_the_shortest_decimal() {
        let n = us();
        // 1.005 is 1.00499999999999989... as an f64; JavaScript's Intl rounds its shortest
        // form, 1.005, up, and so does this
        assert_eq!(n.kwh(1.005), "1.01");
        assert_eq!(n.kwh(0.005), "0.01");
        assert_eq!(n.kwh(0.0049), "0.00");
        assert_eq!(n.kwh(-1.005), "-1.01");
        assert_eq!(n.miles(0.5), "1");
        assert_eq!(n.miles(2.5), "3");
        assert_eq!(round(44.465, Quantity::Energy), 44.47);
        assert_eq!(round(1.005, Quantity::Money), 1.01);
        assert_eq!(round(123.456, Quantity::Miles), 123.0);
    }

    #[test]
    fn bad_locales_and_currencies_are_refused_by_name() {
        let e = Numbers::new("en_US!", "USD").unwrap_err();
        assert!(e.starts_with("locale: \"en_US!\""), "{e}");
        // not ISO 4217 codes, or codes without a minor unit (gold, "no currency")
        for bad in ["usd", "US", "DOLLAR", "", "XYZ", "XAU", "XXX"] {
            let e = Numbers::new("en-US", bad).unwrap_err();
            assert!(e.starts_with("currency:"), "{e}");
        }
        // ICU4X and browsers read Unicode extensions differently (Arabic digits one way only)
        let e = Numbers::new("en-US-u-nu-arab", "USD").unwrap_err();
        assert!(e.contains("Unicode extensions"), "{e}");
        assert_eq!(us().kwh(f64::NAN), "–");
    }

    /// An amount has its currency's minor unit of decimals (ISO 4217), as browsers write it.
    #[test]
    fn amounts_have_the_currencys_decimals() {
        let yen = Numbers::new("ja-JP", "JPY").unwrap();
        assert_eq!(yen.money(78.78), "￥79");
        assert!(yen.digits_json().contains(r#""money":0"#));
        let dinar = Numbers::new("en-US", "KWD").unwrap();
        assert!(
            dinar.money(1.2345).ends_with("1.235"),
            "{}",
            dinar.money(1.2345)
        );
        assert!(us().digits_json().contains(r#""money":2"#));
    }
}
