//! Strategies for the records of a data folder: plausible values of every field, and the odd
//! values (numbers, strings, times) a [`super::Mutation`] puts in their place.

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::VEHICLES;

/// Numbers at and around every limit, and far beyond them.
pub(super) fn odd_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec![
            json!(-1),
            json!(-0.5),
            json!(0),
            json!(1e300),
            json!(-1e300),
            json!(i64::MAX),
            json!(i64::MIN),
            json!(u64::MAX),
            json!(1e13),
            json!(19.2),
            json!(19.3),
            json!(168652.8),
            json!(14285),
            json!(31622400),
            json!(2678401),
            json!(44641),
            json!(1.5e-300),
        ]),
        any::<f64>().prop_filter_map("finite", |f| f.is_finite().then(|| json!(f))),
        any::<i64>().prop_map(|i| json!(i)),
    ]
}

/// Strings of every length class, formula-like and control-character text.
pub(super) fn odd_string() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec![
            String::new(),
            "x".repeat(100),
            "x".repeat(101),
            "é".repeat(200),
            "é".repeat(201),
            "n".repeat(2_001),
            "=HYPERLINK(\"x\")".to_owned(),
            "unknown".to_owned(),
            "../../etc/passwd".to_owned(),
        ]),
        "\\PC{0,12}".prop_map(|s: String| s),
    ]
    .prop_map(Value::from)
}

/// RFC 3339 instants inside, at the edges of and outside 2000..2100, and broken ones.
pub(super) fn odd_time() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec![
            "0000-01-01T00:00:00Z",
            "1999-12-31T23:59:59Z",
            "2000-01-01T00:00:00+14:00",
            "2099-12-31T23:59:59-12:00",
            "2100-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "2026-02-30T00:00:00Z",
            "2026-01-10T22:30:00",
            "yesterday",
        ])
        .prop_map(Value::from),
        (-2_000_000_000_000i64..300_000_000_000).prop_map(|s| json!(rfc3339(s))),
    ]
}

pub(super) fn odd_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => odd_number(),
        3 => odd_string(),
        2 => odd_time(),
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::from),
        1 => Just(json!([])),
        1 => Just(json!({})),
    ]
}

pub(super) fn rfc3339(secs: i64) -> String {
    DateTime::<Utc>::from_timestamp(secs, 0).map_or_else(|| "9999".to_owned(), |t| t.to_rfc3339())
}

/// A plausible value; [`Mutation`]s make it odd or missing later, a few per folder, so that
/// many folders are valid and the others are one or two steps from valid.
pub(super) fn field(good: impl Strategy<Value = Value> + 'static) -> BoxedStrategy<Option<Value>> {
    good.prop_map(Some).boxed()
}

pub(super) fn object(fields: Vec<(&'static str, Option<Value>)>) -> Value {
    let m: Map<String, Value> = fields
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
        .collect();
    Value::Object(m)
}

pub(super) fn kw(max: f64) -> impl Strategy<Value = Value> {
    (0.0..max).prop_map(Value::from)
}

pub(super) fn vehicle_id() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![VEHICLES[0], VEHICLES[1], "unknown"]).prop_map(Value::from)
}

/// Plug-in times of 2000..2100, clustered in 2026 so that months and days repeat.
pub(super) fn start_secs() -> impl Strategy<Value = i64> {
    prop_oneof![
        1_767_225_600i64..1_798_761_600,
        946_684_800i64..4_102_444_800
    ]
}

pub(super) fn cache_entry() -> impl Strategy<Value = Value> {
    (start_secs(), 0i64..200_000, 1u64..100_000, any::<bool>()).prop_flat_map(
        |(start, len, id, open)| {
            let end = if open {
                Value::Null
            } else {
                json!(rfc3339(start + len))
            };
            let fields = vec![
                ("session_id", field(Just(json!(format!("37640{id:05}"))))),
                ("session_start_time", field(Just(json!(rfc3339(start))))),
                ("session_end_time", field(Just(end))),
                (
                    "vehicle",
                    field(Just(json!({"vehicle_id": null, "vehicle_name": "Car"}))),
                ),
                ("location", field(Just(json!({"name": "Home"})))),
                ("charger", field(Just(json!({"level": 2})))),
                ("session", session_block(len)),
                ("utility", field(Just(json!({})))),
                ("vehicle_id", field(vehicle_id())),
                (
                    "vehicle_confidence",
                    field((0.0..=1.0).prop_map(Value::from)),
                ),
            ];
            let (keys, values): (Vec<_>, Vec<_>) = fields.into_iter().unzip();
            values.prop_map(move |v| object(keys.iter().copied().zip(v).collect()))
        },
    )
}

pub(super) fn session_block(len: i64) -> BoxedStrategy<Option<Value>> {
    let fields = vec![
        ("energy_kwh", field(kw(120.0))),
        ("duration_seconds", field(Just(json!(len)))),
        ("cost", field(kw(40.0))),
        ("peak_power_kw", field(kw(19.2))),
        ("status", field(Just(json!("completed")))),
    ];
    let (keys, values): (Vec<_>, Vec<_>) = fields.into_iter().unzip();
    field(values.prop_map(move |v| object(keys.iter().copied().zip(v).collect())))
}

pub(super) fn sample(id: String, at: i64) -> impl Strategy<Value = Value> {
    let fields = vec![
        ("sample_number", field(Just(json!(1)))),
        ("timestamp", field(Just(json!(rfc3339(at))))),
        (
            "timestamp_pt",
            field(Just(json!("2026-01-06 22:00:21 PST"))),
        ),
        ("session_id", field(Just(json!(id)))),
        ("power_kw", field(kw(19.2))),
        ("energy_kwh", field(kw(5.0))),
        ("duration_minutes", field(Just(Value::Null))),
        ("status", field(Just(Value::Null))),
    ];
    let (keys, values): (Vec<_>, Vec<_>) = fields.into_iter().unzip();
    values.prop_map(move |v| object(keys.iter().copied().zip(v).collect()))
}

pub(super) fn session_file() -> impl Strategy<Value = Value> {
    (start_secs(), 1u64..100_000, 0usize..4).prop_flat_map(|(start, id, n)| {
        let id = format!("37640{id:05}");
        let samples: Vec<_> = (0..n)
            .map(|i| sample(id.clone(), start + 10 * i as i64))
            .collect();
        let fields = vec![
            ("session_id", field(Just(json!(id)))),
            ("collection_start", field(Just(json!(rfc3339(start))))),
            ("collection_end", field(Just(json!(rfc3339(start + 300))))),
            ("duration_seconds", field(Just(json!(300.0)))),
            ("sample_count", field(Just(json!(n)))),
            ("valid_sample_count", field(Just(json!(n)))),
            ("interval_seconds", field(Just(json!(10)))),
            ("vehicle_id", field(vehicle_id())),
            ("vehicle_confidence", field(Just(json!(0.9)))),
            ("labeled_by", field(Just(json!("classifier")))),
            ("labeled_at", field(Just(Value::Null))),
            ("samples", field(samples.prop_map(Value::from))),
        ];
        let (keys, values): (Vec<_>, Vec<_>) = fields.into_iter().unzip();
        values.prop_map(move |v| object(keys.iter().copied().zip(v).collect()))
    })
}

pub(super) fn vehicle() -> impl Strategy<Value = Value> {
    let fields = vec![
        ("nickname", field("[A-Za-z ]{1,12}".prop_map(Value::from))),
        ("year", field((2010..2030).prop_map(Value::from))),
        ("make", field(Just(json!("Chevrolet")))),
        ("model", field(Just(json!("Equinox EV")))),
        ("battery_capacity_kwh", field(kw(120.0))),
        ("paint_color_hex", field(Just(json!("#2C5F8D")))),
        ("efficiency_mi_per_kwh", field(kw(5.0))),
    ];
    let (keys, values): (Vec<_>, Vec<_>) = fields.into_iter().unzip();
    values.prop_map(move |v| object(keys.iter().copied().zip(v).collect()))
}

pub(super) fn last_session() -> impl Strategy<Value = Value> {
    let fields = vec![
        ("timestamp", field(Just(json!("2026-11-01T13:00:00+00:00")))),
        ("detected_at", field(Just(json!("2026-11-01 05:00:00 PST")))),
        ("power_kw", field(kw(19.2))),
        ("energy_kwh", field(kw(100.0))),
        (
            "duration_minutes",
            field((0u64..2000).prop_map(Value::from)),
        ),
        ("vehicle_id", field(vehicle_id())),
        ("vehicle_confidence", field(Just(json!(0.5)))),
        ("connected", field(any::<bool>().prop_map(Value::from))),
        ("charging", field(any::<bool>().prop_map(Value::from))),
    ];
    let (keys, values): (Vec<_>, Vec<_>) = fields.into_iter().unzip();
    values.prop_map(move |v| object(keys.iter().copied().zip(v).collect()))
}

pub(super) fn run() -> impl Strategy<Value = Value> {
    let fields = vec![
        ("run_id", field(Just(json!("1")))),
        (
            "date",
            field(
                prop::sample::select(vec!["2026-01-02", "2000-01-01", "2099-12-31"])
                    .prop_map(Value::from),
            ),
        ),
        ("time_utc", field(Just(json!("13:00:00")))),
        ("time_pt", field(Just(json!("05:00:00")))),
        ("result", field(Just(json!("success")))),
        ("reason", field(Just(json!("Started")))),
        ("run_type", field(Just(json!("scheduled")))),
        ("polling_duration_sec", field(kw(900.0))),
    ];
    let (keys, values): (Vec<_>, Vec<_>) = fields.into_iter().unzip();
    values.prop_map(move |v| object(keys.iter().copied().zip(v).collect()))
}
