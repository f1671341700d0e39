//! A small strict JSON parser and string writer (RFC 8259), replacing
//! serde_json to keep ~25 KB out of the wasm. Strings borrow from the input
//! unless they contain escapes: token answers then parse with a handful of
//! allocations instead of one per string.

use super::encode::{byte_below, scan, splat, zero_byte};
use crate::prelude::*;
use alloc::borrow::Cow;

/// A parsed JSON value. Objects keep their members in order, duplicates included.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// Any number, as f64.
    Number(f64),
    /// A string, unescaped.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Value<'a>>),
    /// An object's members in document order.
    Object(Vec<(Cow<'a, str>, Value<'a>)>),
}

impl<'a> Value<'a> {
    /// The first member named `key`, if this is an object.
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        match self {
            Value::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }
}

/// Deepest nesting of arrays and objects accepted; bounds the recursion.
const MAX_DEPTH: usize = 32;

/// Converts a number in JSON syntax (`-12.5e3`) to f64; `None` for anything
/// else. Exact for integers up to 2^53 and for short decimals (the values
/// tokens carry: lifetimes, epoch milliseconds, error codes); it avoids the
/// standard library's correctly rounded parser, which costs ~13 KB of wasm.
pub fn number_value(s: &str) -> Option<f64> {
    // Byte patterns, not `filter` or `==` on Options: at opt-level "z" those
    // stay calls, per digit of every expiry.
    let b = s.as_bytes();
    let mut i = 0;
    let negative = matches!(b.first(), Some(b'-'));
    i += usize::from(negative);
    let (mut mantissa, mut exp10, mut digits) = (0f64, 0i32, 0);
    let int_start = i;
    while let Some(&d @ b'0'..=b'9') = b.get(i) {
        mantissa = mantissa * 10.0 + f64::from(d - b'0');
        i += 1;
        digits += 1;
    }
    // No leading zeros, at least one digit.
    if digits == 0 || (digits > 1 && matches!(b.get(int_start), Some(b'0'))) {
        return None;
    }
    if matches!(b.get(i), Some(b'.')) {
        i += 1;
        let frac_start = i;
        while let Some(&d @ b'0'..=b'9') = b.get(i) {
            mantissa = mantissa * 10.0 + f64::from(d - b'0');
            exp10 -= 1;
            i += 1;
        }
        if i == frac_start {
            return None;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        let sign = match b.get(i) {
            Some(b'-') => -1,
            Some(b'+') => 1,
            _ => 0,
        };
        i += usize::from(sign != 0);
        let (mut e, exp_start) = (0i32, i);
        while let Some(&d @ b'0'..=b'9') = b.get(i) {
            e = e.saturating_mul(10).saturating_add(i32::from(d - b'0'));
            i += 1;
        }
        if i == exp_start {
            return None;
        }
        exp10 = exp10.saturating_add(if sign < 0 { -e } else { e });
    }
    if i != b.len() {
        return None;
    }
    // Zero stays zero whatever the exponent (0 × ∞ would be NaN); past
    // ±400 every f64 has already under- or overflowed, and clamping keeps
    // the negation below from overflowing. Dividing by an exact power of ten
    // keeps short decimals exact.
    let exp10 = exp10.clamp(-400, 400);
    let value = if mantissa == 0.0 {
        0.0
    } else if exp10 < 0 {
        mantissa / pow10(-exp10)
    } else {
        mantissa * pow10(exp10)
    };
    Some(if negative { -value } else { value })
}

/// 10^`n` for `n` ≥ 0, by squaring exactly as `f64::powi` (compiler-builtins'
/// `__powidf2`) does; `powi` itself needs std.
fn pow10(mut n: i32) -> f64 {
    let (mut base, mut result) = (10.0f64, 1.0f64);
    loop {
        if n & 1 == 1 {
            result *= base;
        }
        n /= 2;
        if n == 0 {
            return result;
        }
        base *= base;
    }
}

/// Parses one JSON document; a leading UTF-8 BOM and surrounding whitespace
/// are allowed. `None` on any syntax error, lone surrogate or excess depth.
pub fn parse(s: &str) -> Option<Value<'_>> {
    let s = s.strip_prefix("\u{feff}").unwrap_or(s);
    let mut p = Parser { src: s, pos: 0 };
    let value = p.value(0)?;
    p.skip_ws();
    (p.pos == s.len()).then_some(value)
}

/// The value at the start of `s` when it is a string without escapes, an
/// unsigned integer or null, with the text after it: how a writer of
/// compact JSON of a known shape can be read back without the parser.
/// `None` for anything else (then [`parse`] decides).
pub fn plain_value(s: &str) -> Option<(Value<'_>, &str)> {
    let bytes = s.as_bytes();
    let (value, len) = match *bytes.first()? {
        b'"' => {
            let run = plain_run(bytes.get(1..)?);
            matches!(bytes.get(1 + run), Some(b'"')).then_some(())?;
            (Value::String(Cow::Borrowed(s.get(1..1 + run)?)), run + 2)
        }
        b'n' => (s.starts_with("null").then_some(Value::Null)?, 4),
        _ => {
            let mut digits = 0;
            while matches!(bytes.get(digits), Some(b'0'..=b'9')) {
                digits += 1;
            }
            (Value::Number(number_value(s.get(..digits)?)?), digits)
        }
    };
    Some((value, s.get(len..)?))
}

/// How many bytes from the start of `bytes` need no escaping in a JSON
/// string (no `"`, `\` or control character), eight bytes per step: the hot
/// loop of reading and writing tokens.
fn plain_run(bytes: &[u8]) -> usize {
    scan(
        bytes,
        |w| zero_byte(w ^ splat(b'"')) || zero_byte(w ^ splat(b'\\')) || byte_below(w, 0x20),
        |b| b == b'"' || b == b'\\' || b < 0x20,
    )
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    // Tiny and hot: opt-level "z" would otherwise leave them as calls.
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    #[inline(always)]
    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Consumes `b` (after whitespace) if it comes next.
    fn eat(&mut self, b: u8) -> bool {
        self.skip_ws();
        let found = self.peek() == Some(b);
        if found {
            self.pos += 1;
        }
        found
    }

    fn literal(&mut self, word: &str, value: Value<'a>) -> Option<Value<'a>> {
        let rest = self.src.as_bytes().get(self.pos..)?;
        rest.starts_with(word.as_bytes()).then(|| {
            self.pos += word.len();
            value
        })
    }

    fn value(&mut self, depth: usize) -> Option<Value<'a>> {
        self.skip_ws();
        match self.peek()? {
            b'{' | b'[' if depth >= MAX_DEPTH => None,
            b'{' => self.object(depth + 1),
            b'[' => self.array(depth + 1),
            b'"' => self.string().map(Value::String),
            b't' => self.literal("true", Value::Bool(true)),
            b'f' => self.literal("false", Value::Bool(false)),
            b'n' => self.literal("null", Value::Null),
            _ => self.number().map(Value::Number),
        }
    }

    fn array(&mut self, depth: usize) -> Option<Value<'a>> {
        self.pos += 1;
        let mut items = Vec::new();
        if self.eat(b']') {
            return Some(Value::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            if self.eat(b']') {
                return Some(Value::Array(items));
            }
            self.eat(b',').then_some(())?;
        }
    }

    fn object(&mut self, depth: usize) -> Option<Value<'a>> {
        self.pos += 1;
        let mut members = Vec::new();
        if self.eat(b'}') {
            return Some(Value::Object(members));
        }
        loop {
            self.skip_ws();
            (self.peek() == Some(b'"')).then_some(())?;
            let key = self.string()?;
            self.eat(b':').then_some(())?;
            members.push((key, self.value(depth)?));
            if self.eat(b'}') {
                return Some(Value::Object(members));
            }
            self.eat(b',').then_some(())?;
        }
    }

    /// Parses a string literal; `pos` is at the opening quote.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.pos += 1;
        let mut out: Option<String> = None;
        loop {
            // A run of plain characters starts and ends next to ASCII bytes,
            // so it is on char boundaries.
            let start = self.pos;
            self.pos += plain_run(self.src.as_bytes().get(start..)?);
            let run = self.src.get(start..self.pos)?;
            match self.bump()? {
                b'"' => {
                    return Some(out.map_or(Cow::Borrowed(run), |mut o| {
                        o.push_str(run);
                        Cow::Owned(o)
                    }))
                }
                b'\\' => {
                    let o = out.get_or_insert_with(String::new);
                    o.push_str(run);
                    o.push(self.escape()?);
                }
                _ => return None, // raw control character
            }
        }
    }

    fn escape(&mut self) -> Option<char> {
        Some(match self.bump()? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4()?;
                let code = match unit {
                    0xD800..=0xDBFF => {
                        // A high surrogate must be followed by `\u` + low surrogate.
                        (self.bump()? == b'\\' && self.bump()? == b'u').then_some(())?;
                        let low = self.hex4()?;
                        (0xDC00..=0xDFFF).contains(&low).then_some(())?;
                        0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    }
                    _ => unit, // lone low surrogates are rejected by from_u32
                };
                char::from_u32(code)?
            }
            _ => return None,
        })
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut n = 0;
        for _ in 0..4 {
            n = n << 4 | char::from(self.bump()?).to_digit(16)?;
        }
        Some(n)
    }

    /// Validates the RFC 8259 number grammar, then converts with
    /// [`number_value`].
    fn number(&mut self) -> Option<f64> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.bump()? {
            b'0' => {}
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.first_digit()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.first_digit()?;
        }
        number_value(self.src.get(start..self.pos)?)
    }

    /// At least one digit.
    fn first_digit(&mut self) -> Option<()> {
        self.bump().filter(u8::is_ascii_digit)?;
        self.digits();
        Some(())
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }
}

/// Appends `s` as a JSON string literal, quotes included.
pub fn write_string(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    // Runs that need no escaping are copied in one go; escapes are ASCII,
    // so the run boundaries are char boundaries.
    let mut start = 0;
    loop {
        let end = start + plain_run(s.as_bytes().get(start..).unwrap_or_default());
        out.push_str(s.get(start..end).unwrap_or_default());
        let Some(&b) = s.as_bytes().get(end) else {
            break;
        };
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            _ => {
                out.push_str("\\u00");
                out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
                out.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
            }
        }
        start = end + 1;
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_values() {
        for (text, want) in [
            ("0", 0.0),
            ("-0", -0.0),
            ("3600", 3600.0),
            ("3600.5", 3600.5),
            ("1e3", 1000.0),
            ("2.5E-1", 0.25),
            ("9007199254740991", 9_007_199_254_740_991.0),
            ("1700000001500", 1_700_000_001_500.0),
            ("0.1", 0.1),
        ] {
            assert_eq!(number_value(text), Some(want), "{text}");
        }
        for bad in [
            "", "-", "01", "1.", ".5", "+1", "1e", "1e+", "inf", "NaN", "0x10", "1 ", "3600.0.0",
        ] {
            assert_eq!(number_value(bad), None, "{bad}");
        }
        assert_eq!(number_value("1e400"), Some(f64::INFINITY));
    }
    use Value::*;

    fn s(v: &str) -> Value<'static> {
        String(v.to_owned().into())
    }

    #[test]
    fn parses_documents() {
        let v = parse(
            "\u{feff} {\"a\": [1, -2.5e3, true, false, null], \"b\": {\"c\": \"d\"}, \"a\": 0}\n",
        )
        .unwrap();
        assert_eq!(
            v.get("a"),
            Some(&Array(vec![
                Number(1.0),
                Number(-2500.0),
                Bool(true),
                Bool(false),
                Null
            ]))
        );
        assert_eq!(
            v.get("b").and_then(|b| b.get("c")).and_then(Value::as_str),
            Some("d")
        );
        assert_eq!(v.get("missing"), None);
        assert_eq!(Number(1.0).get("a"), None);
        assert_eq!(parse("[]"), Some(Array(vec![])));
        assert_eq!(parse("{}"), Some(Object(vec![])));
        assert_eq!(parse(" 0 ").and_then(|v| v.as_f64()), Some(0.0));
        assert_eq!(parse("\"x\"").unwrap().as_f64(), None);
        assert_eq!(parse("1E+2"), Some(Number(100.0)));
        assert_eq!(parse("-0.125e-1"), Some(Number(-0.0125)));
    }

    #[test]
    fn string_escapes() {
        let v = parse(r#""a\"\\\/\b\f\n\r\t\u00e9\u20AC\ud83d\ude00 ü""#).unwrap();
        assert_eq!(v, s("a\"\\/\u{8}\u{c}\n\r\t\u{e9}€😀 ü"));
        for bad in [
            r#""\ud83d""#,
            r#""\ude00""#,
            r#""\ud83d\u0041""#,
            r#""\ud83dx""#,
            r#""\x""#,
            r#""\u12""#,
            r#""\u+123""#,
            "\"a\tb\"",
            "\"abc",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn rejects_invalid() {
        let bad = [
            "",
            " ",
            "{",
            "}",
            "[1,]",
            "[,1]",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{a:1}",
            "{1:1}",
            "01",
            "1.",
            ".5",
            "+1",
            "-",
            "1e",
            "1e+",
            "--1",
            "tru",
            "nul",
            "NaN",
            "Infinity",
            "[1] [2]",
            "'a'",
            "{\"a\":1}x",
            "\u{feff}\u{feff}1",
            "[1 2]",
            "\"\u{0}\"",
        ];
        for b in bad {
            assert_eq!(parse(b), None, "{b:?}");
        }
    }

    #[test]
    fn depth_limit() {
        let ok = format!("{}{}", "[".repeat(32), "]".repeat(32));
        assert!(parse(&ok).is_some());
        let too_deep = format!("{}{}", "[".repeat(33), "]".repeat(33));
        assert_eq!(parse(&too_deep), None);
        let objects = format!("{}1{}", "{\"a\":".repeat(33), "}".repeat(33));
        assert_eq!(parse(&objects), None);
        // Huge nesting fails fast instead of overflowing the stack.
        assert_eq!(parse(&"[".repeat(1_000_000)), None);
    }

    #[test]
    fn writes_strings() {
        let mut out = std::string::String::new();
        write_string(&mut out, "a\"b\\c\n\r\t\u{1}\u{1f}é😀/");
        assert_eq!(out, r#""a\"b\\c\n\r\t\u0001\u001fé😀/""#);
        assert_eq!(parse(&out), Some(s("a\"b\\c\n\r\t\u{1}\u{1f}é😀/")));
    }
}
