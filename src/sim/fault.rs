//! Injected faults: `--fault <endpoint>=<kind>[x<count>]` and `POST /_sim/fault`.
//!
//! A fault is consumed by the next matching request: `status=503x2` makes the next two status
//! calls answer 503, `any=delay3000x0` delays every call by 3 s forever. Between them the kinds
//! play every answer of the real API a client has to survive (see [`FaultKind`]).

use std::fmt;
use std::str::FromStr;

use crate::api::Ep;

/// What a fault applies to: one endpoint, or every one (`any`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultTarget {
    /// The calls of one endpoint (named by [`Ep::name`]).
    One(Ep),
    /// Every call.
    Any,
}

impl FaultTarget {
    /// The name in fault specs: [`Ep::name`], or `any`.
    pub fn name(self) -> &'static str {
        match self {
            Self::One(ep) => ep.name(),
            Self::Any => "any",
        }
    }

    /// Every target, in the order the help text lists them (`any` last).
    fn all() -> impl Iterator<Item = FaultTarget> {
        Ep::ALL.into_iter().map(Self::One).chain([Self::Any])
    }

    /// Whether a call to `ep` is hit.
    fn hits(self, ep: Ep) -> bool {
        self == Self::Any || self == Self::One(ep)
    }
}

/// What a faulty answer looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// HTTP 500, 502, 503 (JSON error body) or 429 (with `Retry-After: 1`).
    Status(u16),
    /// The normal answer, after this many real milliseconds.
    Delay(u64),
    /// 401 invalid session; every token issued so far stops working (a new login works).
    Expire,
    /// 401 invalid session, tokens left alive: with `x0` the call is refused even right after
    /// a fresh login.
    Unauthorized,
    /// 200 with a `text/html` page (a maintenance page where JSON was expected).
    Html,
    /// The station refuses the command: on `ack`, the poll answers ChargePoint's refusal (422,
    /// errorId 89, `CHARGE`) at once; on `start`/`stop`, the command is accepted and its ack
    /// refused when the station answers; on `amperage` and `schedule`, the next `PUT` answers
    /// 422 with an `errorMessage` and changes nothing (a `GET` of the schedule is not hit).
    Refuse,
    /// 403 with the Datadome JSON body (`{"url": ...}`).
    CaptchaJson,
    /// 403 `text/html` Datadome page (`var dd={...}`, `captcha-delivery.com`).
    CaptchaHtml,
    /// 200 with the normal JSON answer cut in half.
    Truncated,
    /// 200 with an empty body.
    Empty,
}

impl FaultKind {
    /// The name of every kind, as fault specs write it (`delay<ms>` stands for `delay3000` etc.),
    /// in the order `cph50 sim --help` lists them.
    pub const NAMES: [&'static str; 13] = [
        "500",
        "502",
        "503",
        "429",
        "delay<ms>",
        "expire",
        "unauthorized",
        "captcha_json",
        "captcha_html",
        "html",
        "truncated",
        "empty",
        "refuse",
    ];
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status(code) => write!(f, "{code}"),
            Self::Delay(ms) => write!(f, "delay{ms}"),
            Self::Expire => f.write_str("expire"),
            Self::Unauthorized => f.write_str("unauthorized"),
            Self::Html => f.write_str("html"),
            Self::Refuse => f.write_str("refuse"),
            Self::CaptchaJson => f.write_str("captcha_json"),
            Self::CaptchaHtml => f.write_str("captcha_html"),
            Self::Truncated => f.write_str("truncated"),
            Self::Empty => f.write_str("empty"),
        }
    }
}

/// One fault: which endpoint, what answer, how many times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaultSpec {
    /// The endpoint it applies to.
    pub target: FaultTarget,
    /// The answer.
    pub kind: FaultKind,
    /// How many matching requests get it; 0 = every one, forever.
    pub count: u32,
}

impl fmt::Display for FaultSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}x{}", self.target.name(), self.kind, self.count)
    }
}

const KINDS: &str = "500, 502, 503, 429, delay<ms> (e.g. delay3000), expire, unauthorized, captcha_json, captcha_html, html, truncated, empty, refuse (start, stop, ack, amperage, schedule)";

impl FromStr for FaultSpec {
    type Err = String;

    /// Parses `<endpoint>=<kind>[x<count>]`, e.g. `status=503x2`, `login=captcha_html`.
    fn from_str(spec: &str) -> Result<Self, String> {
        let fail = |what: String| format!("fault {spec:?}: {what}");
        let (target, rest) = spec.split_once('=').ok_or_else(|| {
            fail("expected <endpoint>=<kind>[x<count>], e.g. status=503x2".into())
        })?;
        let endpoint = target.trim();
        let target = FaultTarget::all()
            .find(|t| t.name() == endpoint)
            .ok_or_else(|| {
                let names: Vec<&str> = FaultTarget::all().map(FaultTarget::name).collect();
                fail(format!(
                    "unknown endpoint {endpoint:?}; expected one of {}",
                    names.join(", ")
                ))
            })?;
        let rest = rest.trim();
        let (kind, count) = match rest.rsplit_once('x') {
            Some((kind, count))
                if !count.is_empty() && count.bytes().all(|b| b.is_ascii_digit()) =>
            {
                let count = count
                    .parse::<u32>()
                    .map_err(|_| fail(format!("count {count:?} is too large")))?;
                (kind, count)
            }
            _ => (rest, 1),
        };
        let kind = parse_kind(kind)
            .ok_or_else(|| fail(format!("unknown kind {kind:?}; expected one of {KINDS}")))?;
        let commands =
            [Ep::Start, Ep::Stop, Ep::Ack, Ep::Amperage, Ep::Schedule].map(FaultTarget::One);
        if kind == FaultKind::Refuse && !commands.contains(&target) {
            return Err(fail(format!(
                "kind \"refuse\" applies to start, stop, ack, amperage and schedule, not {}",
                target.name()
            )));
        }
        Ok(Self {
            target,
            kind,
            count,
        })
    }
}

fn parse_kind(kind: &str) -> Option<FaultKind> {
    Some(match kind {
        "500" => FaultKind::Status(500),
        "502" => FaultKind::Status(502),
        "503" => FaultKind::Status(503),
        "429" => FaultKind::Status(429),
        "expire" => FaultKind::Expire,
        "unauthorized" => FaultKind::Unauthorized,
        "html" => FaultKind::Html,
        "refuse" => FaultKind::Refuse,
        "captcha_json" => FaultKind::CaptchaJson,
        "captcha_html" => FaultKind::CaptchaHtml,
        "truncated" => FaultKind::Truncated,
        "empty" => FaultKind::Empty,
        _ => {
            let ms = kind.strip_prefix("delay")?;
            if ms.is_empty() || !ms.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            FaultKind::Delay(ms.parse().ok()?)
        }
    })
}

/// The faults still armed, in the order they were added.
#[derive(Debug, Clone, Default)]
pub(crate) struct Faults {
    /// Each spec with the number of answers left (`None` = forever).
    armed: Vec<(FaultSpec, Option<u32>)>,
    /// A `refuse` fault hit the request being handled: its command is refused.
    refusing: bool,
}

impl Faults {
    /// Arms `spec`.
    pub(crate) fn add(&mut self, spec: FaultSpec) {
        let left = (spec.count > 0).then_some(spec.count);
        self.armed.push((spec, left));
    }

    /// The fault the next request to `ep` gets, if any, used up by this call. A request that
    /// changes nothing (`refusable` false: the schedule's `GET`) passes a `refuse` fault by.
    pub(crate) fn take(&mut self, ep: Ep, refusable: bool) -> Option<FaultKind> {
        let i = self
            .armed
            .iter()
            .position(|(s, _)| s.target.hits(ep) && (refusable || s.kind != FaultKind::Refuse))?;
        let kind = self.armed[i].0.kind;
        if let Some(left) = &mut self.armed[i].1 {
            *left = left.saturating_sub(1);
            if *left == 0 {
                self.armed.remove(i);
            }
        }
        Some(kind)
    }

    /// Marks the request about to be handled as hit by a `refuse` fault (`on`), or clears it.
    pub(crate) fn set_refusing(&mut self, on: bool) {
        self.refusing = on;
    }

    /// Whether the command being handled must be refused; asking clears it.
    pub(crate) fn take_refusing(&mut self) -> bool {
        std::mem::take(&mut self.refusing)
    }

    /// The armed faults as `endpoint=kindxleft` (`x0` = forever).
    pub(crate) fn describe(&self) -> Vec<String> {
        self.armed
            .iter()
            .map(|(s, left)| {
                FaultSpec {
                    count: left.unwrap_or(0),
                    ..*s
                }
                .to_string()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_with_and_without_counts() {
        let s: FaultSpec = "status=503x2".parse().unwrap();
        assert_eq!(
            s,
            FaultSpec {
                target: FaultTarget::One(Ep::Status),
                kind: FaultKind::Status(503),
                count: 2
            }
        );
        let s: FaultSpec = "any=delay3000x0".parse().unwrap();
        assert_eq!((s.kind, s.count), (FaultKind::Delay(3000), 0));
        for (spec, kind) in [
            ("status=unauthorizedx0", FaultKind::Unauthorized),
            ("session=html", FaultKind::Html),
            ("ack=refuse", FaultKind::Refuse),
            ("start=refusex2", FaultKind::Refuse),
        ] {
            let s: FaultSpec = spec.parse().unwrap();
            assert_eq!(s.kind, kind, "{spec}");
            assert!(
                s.to_string()
                    .starts_with(&spec.replace("x0", "").replace("x2", ""))
            );
        }
        let s: FaultSpec = "technical_info=captcha_html".parse().unwrap();
        assert_eq!(
            (s.target, s.kind, s.count),
            (
                FaultTarget::One(Ep::TechnicalInfo),
                FaultKind::CaptchaHtml,
                1
            )
        );
        assert_eq!(s.to_string(), "technical_info=captcha_htmlx1");
    }

    #[test]
    fn every_kind_name_parses_and_prints_back() {
        for name in FaultKind::NAMES {
            let spec = name.replace("<ms>", "250");
            let kind = parse_kind(&spec).unwrap_or_else(|| panic!("{name}"));
            assert_eq!(kind.to_string(), spec);
            assert!(
                KINDS.contains(name),
                "{name} missing from the parse error's list"
            );
        }
    }

    #[test]
    fn target_names_are_the_ones_the_help_text_lists() {
        let names: Vec<&str> = FaultTarget::all().map(FaultTarget::name).collect();
        assert_eq!(
            names.join(" "),
            "discovery login logout profile vehicles chargers status technical_info config \
             schedule amperage restart user_status activity session start stop ack any"
        );
    }

    #[test]
    fn parse_errors_name_the_bad_part() {
        let e = "stat=503".parse::<FaultSpec>().unwrap_err();
        assert!(
            e.contains("unknown endpoint \"stat\"") && e.contains("user_status"),
            "{e}"
        );
        let e = "status=504".parse::<FaultSpec>().unwrap_err();
        assert!(
            e.contains("unknown kind \"504\"") && e.contains("delay<ms>"),
            "{e}"
        );
        let e = "status".parse::<FaultSpec>().unwrap_err();
        assert!(e.contains("<endpoint>=<kind>"), "{e}");
        let e = "status=delayx".parse::<FaultSpec>().unwrap_err();
        assert!(e.contains("\"delayx\""), "{e}");
        let e = "status=503x99999999999".parse::<FaultSpec>().unwrap_err();
        assert!(e.contains("too large"), "{e}");
        let e = "status=refuse".parse::<FaultSpec>().unwrap_err();
        assert!(
            e.contains("applies to start, stop, ack, amperage and schedule, not status"),
            "{e}"
        );
        assert!("amperage=refuse".parse::<FaultSpec>().is_ok());
        assert!("any=refuse".parse::<FaultSpec>().is_err());
    }

    #[test]
    fn faults_are_used_up_in_order_and_forever_stays() {
        let mut f = Faults::default();
        f.add("status=503x2".parse().unwrap());
        f.add("any=emptyx0".parse().unwrap());
        assert_eq!(f.take(Ep::Status, true), Some(FaultKind::Status(503)));
        assert_eq!(f.describe(), vec!["status=503x1", "any=emptyx0"]);
        assert_eq!(f.take(Ep::Status, true), Some(FaultKind::Status(503)));
        assert_eq!(f.take(Ep::Status, true), Some(FaultKind::Empty));
        assert_eq!(f.take(Ep::Login, true), Some(FaultKind::Empty));
        assert_eq!(f.describe(), vec!["any=emptyx0"]);
        let mut f = Faults::default();
        f.add("schedule=refuse".parse().unwrap());
        assert_eq!(f.take(Ep::Schedule, false), None, "a GET passes it by");
        assert_eq!(f.take(Ep::Schedule, true), Some(FaultKind::Refuse));
        assert!(f.describe().is_empty());
    }
}
