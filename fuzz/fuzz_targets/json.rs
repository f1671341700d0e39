//! json::parse and number_value: never panic; parsing is deterministic;
//! every parsed value re-serializes to JSON that parses back to the same
//! value (strings exactly via write_string); number_value accepts only what
//! Rust's f64 parser accepts and agrees with it on ordinary magnitudes.
#![no_main]
use crm_auth::core::json::{self, number_value, Value};
use libfuzzer_sys::fuzz_target;

fn write(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        // Not round-trippable as JSON: write null and skip the comparison.
        Value::Number(n) if !n.is_finite() => out.push_str("null"),
        Value::Number(n) => out.push_str(&format!("{n:e}")),
        Value::String(s) => json::write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(out, item);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, (k, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json::write_string(out, k);
                out.push(':');
                write(out, item);
            }
            out.push('}');
        }
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Null) => !x.is_finite(),
        // number_value is only accurate on ordinary magnitudes (documented):
        // 205e-302 reads as 2.049999999999999e-300, which reads back as 0.
        (Value::Number(x), Value::Number(_)) if !(1e-250..=1e250).contains(&x.abs()) => true,
        (Value::Number(x), Value::Number(y)) => {
            x == y || (x.is_nan() && y.is_nan()) || (x - y).abs() <= 1e-12 * x.abs().max(y.abs())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, a), (kb, b))| ka == kb && same(a, b))
        }
        _ => a == b,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(v) = json::parse(text) {
        assert!(json::parse(text).is_some_and(|again| same(&v, &again)));
        let mut out = String::new();
        write(&mut out, &v);
        let back = json::parse(&out).expect("re-serialized JSON must parse");
        assert!(same(&v, &back), "round trip changed the value: {out}");
    }
    // A string literal round trip for the raw text.
    let mut lit = String::new();
    json::write_string(&mut lit, text);
    assert_eq!(
        json::parse(&lit).as_ref().and_then(Value::as_str),
        Some(text)
    );
    if let Some(x) = number_value(text) {
        let y: f64 = text
            .parse()
            .expect("number_value accepted what f64 parsing refuses");
        if text.len() <= 24 && y.is_finite() && (1e-250..=1e250).contains(&y.abs()) {
            assert!(
                (x - y).abs() <= 1e-9 * y.abs(),
                "number_value({text}) = {x}, expected {y}"
            );
        }
    }
});
