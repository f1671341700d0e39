//! Token responses (RFC 6749 §5), lenient where providers are sloppy and
//! strict where it matters, and the storable `TokenSet`.

use super::encode::{concat, decimal, join};
use super::endpoint;
use super::error::{printable_code, Error, ErrorCode, Result};
use super::json::{self, Value};
use super::options::Options;
use super::request::{check_header_value, header_safe, HttpResponse};
use super::secret::Secret;
use super::time::{parse_http_date, parse_retry_after};
use crate::prelude::*;
use core::fmt;

/// The tokens a grant produced.
#[derive(Clone, PartialEq)]
pub struct TokenSet {
    /// The access token.
    pub access_token: Secret,
    /// As sent by the server (`"Bearer"` when it sent none).
    pub token_type: String,
    /// Expiry in epoch milliseconds, if known.
    pub expires_at: Option<f64>,
    /// The refresh token, if any.
    pub refresh_token: Option<Secret>,
    /// Granted scopes, if the server said.
    pub scopes: Option<Vec<String>>,
    /// The API base the token answer named (Zoho's and Pipedrive's
    /// `api_domain`, Salesforce's `instance_url`), when the provider sends
    /// one: `Session.fetch` joins paths to it.
    pub api_base: Option<String>,
}

/// Redacted: never shows a token.
impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("token_type", &self.token_type)
            .field("expires_at", &self.expires_at)
            .field("has_refresh_token", &self.refresh_token.is_some())
            .field("scopes", &self.scopes)
            .field("api_base", &self.api_base)
            .finish()
    }
}

impl TokenSet {
    /// Refresh responses may omit `refresh_token`, meaning "keep using the old
    /// one"; a rotated one that did come back always wins.
    pub fn keep_refresh_token(&mut self, old: Option<&str>) {
        if self.refresh_token.is_none() {
            self.refresh_token = old.filter(|t| !t.is_empty()).map(Secret::from);
        }
    }

    /// Compact JSON for storage; read back with [`TokenSet::deserialize`].
    pub fn serialize(&self) -> String {
        let scope = self.scopes.as_ref().map(|s| join(s, " "));
        serialize_fields(
            self.access_token.expose(),
            &self.token_type,
            self.expires_at,
            self.refresh_token.as_ref().map(Secret::expose),
            scope.as_deref(),
            self.api_base.as_deref(),
        )
    }

    /// The token set a `TokenSetInit` describes (`{accessToken, tokenType?,
    /// expiresAt?, refreshToken?, scopes?, apiBase?}`): tokens that fit in a
    /// header, Bearer only.
    pub fn from_init(o: &Options) -> Result<TokenSet> {
        let scopes = o.strings("scopes")?;
        let access_token = o.required("accessToken")?;
        check_header_value(access_token, "accessToken")?;
        let refresh_token = o.secret("refreshToken")?;
        if let Some(token) = refresh_token {
            check_header_value(token, "refreshToken")?;
        }
        let token_type = o.str("tokenType")?.unwrap_or("Bearer");
        let api_base = o.str("apiBase")?.map(endpoint::api_base).transpose()?;
        if !is_bearer(token_type) {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                "tokenType must be \"Bearer\"",
            ));
        }
        Ok(TokenSet {
            access_token: Secret::from(access_token),
            token_type: token_type.to_owned(),
            expires_at: o.number("expiresAt")?.map(epoch_ms),
            refresh_token: refresh_token.map(Secret::from),
            scopes: (!scopes.is_empty()).then_some(scopes),
            api_base: api_base.map(str::to_owned),
        })
    }

    /// Reads what [`TokenSet::serialize`] wrote.
    pub fn deserialize(s: &str) -> Result<TokenSet> {
        StoredMembers::read(s)
            .as_ref()
            .and_then(StoredMembers::fields)
            .map(|f| f.to_set())
            .ok_or_else(not_stored)
    }
}

/// The stored form's members, in the order [`serialize_fields`] writes them
/// and [`StoredMembers::read`] expects them (`api_base`, the last, only when
/// there is one): the text before each value, its name within.
const STORED_MEMBERS: [&str; 7] = [
    "{\"v\":",
    ",\"access_token\":",
    ",\"token_type\":",
    ",\"expires_at\":",
    ",\"refresh_token\":",
    ",\"scope\":",
    ",\"api_base\":",
];
const V: usize = 0;
const ACCESS_TOKEN: usize = 1;
const TOKEN_TYPE: usize = 2;
const EXPIRES_AT: usize = 3;
const REFRESH_TOKEN: usize = 4;
const SCOPE: usize = 5;
const API_BASE: usize = 6;

/// The stored form (`{"v":1,…}`), the one writer of it: `scope` is the
/// scopes joined by single spaces; `api_base` is written only when there is
/// one (sets of providers without it keep their earlier form).
pub fn serialize_fields(
    access_token: &str,
    token_type: &str,
    expires_at: Option<f64>,
    refresh_token: Option<&str>,
    scope: Option<&str>,
    api_base: Option<&str>,
) -> String {
    // Whole milliseconds: integer formatting keeps float printing (~15 KB of
    // wasm) out of the binary.
    let expires_at = expires_at
        .filter(|at| at.is_finite())
        .map(|at| decimal(epoch_ms(at) as u64));
    let values = [
        Some("1"),
        Some(access_token),
        Some(token_type),
        expires_at.as_deref(),
        refresh_token,
        scope,
        api_base,
    ];
    let mut out = String::new();
    for (i, (member, value)) in STORED_MEMBERS.iter().zip(values).enumerate() {
        if i == API_BASE && value.is_none() {
            break;
        }
        out.push_str(member);
        match value {
            None => out.push_str("null"),
            Some(number) if i == V || i == EXPIRES_AT => out.push_str(number),
            Some(text) => json::write_string(&mut out, text),
        }
    }
    out.push('}');
    out
}

/// The strings of a token set, borrowed from parsed JSON: the wasm bindings
/// hand their positions to JS instead of copying them out.
pub struct TokenFields<'v> {
    /// The access token (non-empty).
    pub access_token: &'v str,
    /// `None`: the server sent none (or not a string), read as `"Bearer"`.
    pub token_type: Option<&'v str>,
    /// Expiry in whole epoch milliseconds, if known.
    pub expires_at: Option<f64>,
    /// The refresh token, if any (non-empty).
    pub refresh_token: Option<&'v str>,
    /// The `scope` member: a space-separated string or an array of them.
    pub scope: Option<&'v Value<'v>>,
    /// The API base the answer named (checked, one trailing `/` dropped).
    pub api_base: Option<&'v str>,
    /// `scope` separates words with commas too (see [`Answers::comma_scopes`]).
    pub comma_scopes: bool,
}

impl TokenFields<'_> {
    /// Whether both tokens can go in a header as they are (see
    /// [`header_safe`]).
    pub fn header_safe(&self) -> bool {
        header_safe(self.access_token) && self.refresh_token.map_or(true, header_safe)
    }

    /// An owned [`TokenSet`] with these values.
    pub fn to_set(&self) -> TokenSet {
        // Plain loops: the flat_map/collect chain monomorphized ~0.5 KB.
        let scopes = self.scope.map(|scope| {
            let mut scopes = Vec::new();
            match scope {
                Value::String(s) => push_words(&mut scopes, s, self.comma_scopes),
                Value::Array(items) => {
                    for s in items.iter().filter_map(Value::as_str) {
                        push_words(&mut scopes, s, self.comma_scopes);
                    }
                }
                _ => {}
            }
            scopes
        });
        TokenSet {
            access_token: Secret::from(self.access_token),
            token_type: self.token_type.unwrap_or("Bearer").to_owned(),
            expires_at: self.expires_at,
            refresh_token: self.refresh_token.map(Secret::from),
            scopes,
            api_base: self.api_base.map(str::to_owned),
        }
    }
}

/// The error for anything [`TokenSet::deserialize`] cannot read.
pub fn not_stored() -> Error {
    Error::new(ErrorCode::InvalidArgument, "not a serialized TokenSet")
}

/// The members of a text that may be a stored set (`serialize()` output),
/// by [`STORED_MEMBERS`] index: the first of each name, as [`Value::get`]
/// finds it; other members are skipped.
#[derive(Default)]
pub struct StoredMembers<'a>([Option<Value<'a>>; STORED_MEMBERS.len()]);

impl<'a> StoredMembers<'a> {
    /// Reads `text`; `None` if it is not a JSON object.
    pub fn read(text: &'a str) -> Option<Self> {
        // Another layout (whitespace, escapes, another order, more
        // members): the parser decides.
        Self::as_written(text).or_else(|| Self::parsed(text))
    }

    /// `text` laid out exactly as [`serialize_fields`] writes it, read in one
    /// pass with no JSON parser and no allocation: the common case of
    /// `TokenSet.deserialize`. `None` at the first byte that differs.
    fn as_written(text: &'a str) -> Option<Self> {
        let mut stored = StoredMembers::default();
        let mut rest = text;
        for (i, member) in STORED_MEMBERS.iter().enumerate() {
            if i == API_BASE && rest == "}" {
                break;
            }
            let (value, after) = json::plain_value(rest.strip_prefix(member)?)?;
            *stored.0.get_mut(i)? = Some(value);
            rest = after;
        }
        (rest == "}").then_some(stored)
    }

    /// The members of `text` read with the JSON parser.
    fn parsed(text: &'a str) -> Option<Self> {
        let Value::Object(members) = json::parse(text)? else {
            return None;
        };
        let mut stored = StoredMembers::default();
        for (key, value) in members {
            let named = |member: &&str| member.get(2..member.len() - 2) == Some(&*key);
            if let Some(slot) = STORED_MEMBERS.iter().position(named) {
                stored.0.get_mut(slot)?.get_or_insert(value);
            }
        }
        Some(stored)
    }

    /// The checked fields of a stored set; `None` if this is not one.
    pub fn fields(&self) -> Option<TokenFields<'_>> {
        let member = |i: usize| self.0.get(i).and_then(Option::as_ref);
        (member(V)?.as_f64()? == 1.0).then_some(())?;
        let fields = TokenFields {
            access_token: member(ACCESS_TOKEN)?.as_str().filter(|t| !t.is_empty())?,
            token_type: Some(member(TOKEN_TYPE)?.as_str().filter(|t| is_bearer(t))?),
            expires_at: optional(member(EXPIRES_AT), |at| at.as_f64().map(epoch_ms))?,
            refresh_token: optional(member(REFRESH_TOKEN), |t| t.as_str())?,
            scope: optional(member(SCOPE), |s| s.as_str().map(|_| s))?,
            api_base: optional(member(API_BASE), |b| endpoint::api_base(b.as_str()?).ok())?,
            comma_scopes: false, // stored scopes are canonical
        };
        fields.header_safe().then_some(fields)
    }
}

/// The only token type this library sends: `Bearer`, in any case (Flowlu
/// writes `bearer`). A DPoP or MAC token sent as Bearer would fail or, worse,
/// bypass the proof its server expects, so those are refused.
pub fn is_bearer(token_type: &str) -> bool {
    token_type.eq_ignore_ascii_case("bearer")
}

/// Reads an optional member: absent or null is `Some(None)`, a value `read`
/// rejects is `None`.
fn optional<'a, 'v, T>(
    member: Option<&'a Value<'v>>,
    read: impl Fn(&'a Value<'v>) -> Option<T>,
) -> Option<Option<T>> {
    match member {
        None | Some(Value::Null) => Some(None),
        Some(value) => read(value).map(Some),
    }
}

/// Normalises an expiry to whole epoch milliseconds within JS's safe
/// integer range, so it serializes as an integer and round-trips exactly.
pub fn epoch_ms(at: f64) -> f64 {
    const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;
    if at.is_nan() {
        return 0.0;
    }
    // Rounds half up after clamping (no `f64::round` without std): in range
    // the truncating cast is exact and the fraction is exact too.
    let at = at.clamp(0.0, MAX_SAFE_INTEGER);
    let whole = at as u64 as f64;
    if at - whole >= 0.5 {
        whole + 1.0
    } else {
        whole
    }
}

fn push_words(out: &mut Vec<String>, s: &str, commas: bool) {
    let separator = |c: char| c.is_ascii_whitespace() || (commas && c == ',');
    for word in s.split(separator).filter(|w| !w.is_empty()) {
        out.push(word.to_owned());
    }
}

/// The first of `keys` that `v` has as a string member.
pub fn first_str<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|key| v.get(key)?.as_str())
}

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// Reads an error body of a provider's own shape: `(error code,
/// description)`.
pub type ErrorShape = for<'v> fn(&'v Value<'v>) -> Option<(&'v str, Option<&'v str>)>;

/// Turns an answer's status and error into the provider's own error.
pub type FixError = fn(u16, Option<Error>) -> Option<Error>;

/// How a provider's token answers depart from RFC 6749 §5. The core knows
/// no CRM: each provider's file sets these, citing its source.
#[derive(Clone, Copy, Debug)]
pub struct Answers {
    /// Another member read as `error_description` when that is absent.
    pub description_alias: Option<&'static str>,
    /// An error body of another shape, trusted only on an error status
    /// (a 2xx could be a legitimate payload).
    pub error_shape: Option<ErrorShape>,
    /// A member holding the expiry as an HTTP date, read when `expires_in`
    /// is absent.
    pub expires_date: Option<&'static str>,
    /// Turns the answer's status and error (`None`: none found) into the
    /// provider's own (a 2xx that means "send a code", a clearer message).
    pub fix_error: Option<FixError>,
    /// The member naming this grant's API base (`api_domain`,
    /// `instance_url`): an https (or loopback) URL, kept in the token set.
    pub api_base: Option<&'static str>,
    /// `scope` lists granted scopes separated by commas (Pipedrive), not
    /// (only) spaces.
    pub comma_scopes: bool,
}

impl Answers {
    /// RFC 6749 answers, nothing else.
    pub const STANDARD: Answers = Answers {
        description_alias: None,
        error_shape: None,
        expires_date: None,
        fix_error: None,
        api_base: None,
        comma_scopes: false,
    };

    /// The standard `{error, error_description}` shape.
    fn standard_error<'v>(&self, body: &'v Value) -> Option<(&'v str, Option<&'v str>)> {
        let description = first_str(body, &["error_description"])
            .or_else(|| first_str(body, &[self.description_alias?]));
        Some((first_str(body, &["error"])?, description))
    }
}

/// The error a response stands for, given its body when that is a JSON object.
fn error_for(
    status: u16,
    retry_after: Option<&str>,
    now_ms: f64,
    body: Option<&Value>,
    answers: &Answers,
) -> Option<Error> {
    if status == 429 {
        let mut e =
            Error::new(ErrorCode::RateLimited, "rate limited (HTTP 429)").with_status(status);
        e.retry_after = retry_after.and_then(|v| parse_retry_after(v, now_ms));
        return Some(e);
    }
    // The standard shape counts even inside HTTP 200; the others only on an
    // error status, where a 2xx could be a legitimate API payload.
    let found = body.and_then(|b| match answers.standard_error(b) {
        None if !is_success(status) => answers.error_shape.and_then(|read| read(b)),
        found => found,
    });
    let Some((code, description)) = found else {
        return (!is_success(status)).then(|| unexpected_status(status));
    };
    let message = concat(&[
        "token endpoint answered ",
        printable_code(code),
        " (HTTP ",
        &decimal(status.into()),
        ")",
    ]);
    let mut e = Error::new(ErrorCode::OauthError, message).with_status(status);
    e.error = Some(code.to_owned());
    e.error_description = description.map(str::to_owned);
    Some(e)
}

fn unexpected_status(status: u16) -> Error {
    Error::new(
        ErrorCode::InvalidResponse,
        concat(&[
            "unexpected HTTP ",
            &decimal(status.into()),
            " from token endpoint",
        ]),
    )
    .with_status(status)
}

/// `body` parsed as JSON when it is an object (token answers are read
/// whatever their content type).
pub fn json_object(body: &str) -> Option<Value<'_>> {
    json::parse(body).filter(|v| matches!(v, Value::Object(_)))
}

/// The error a token or revocation response stands for (HTTP 429, an OAuth
/// error even inside HTTP 200, any other non-2xx), or `None` for a 2xx
/// without an error member.
pub fn response_error(resp: &HttpResponse, now_ms: f64, answers: &Answers) -> Option<Error> {
    error_for(
        resp.status,
        resp.retry_after.as_deref(),
        now_ms,
        json_object(&resp.body).as_ref(),
        answers,
    )
}

/// Turns a token-endpoint response into tokens or an [`Error`]. The body is
/// read as JSON whatever its content type (some providers say text/plain).
/// Expiry comes from `expires_in` (number or numeric string), else from the
/// provider's expiry date member, if it has one.
pub fn parse_token_response(
    resp: &HttpResponse,
    now_ms: f64,
    answers: &Answers,
) -> Result<TokenSet> {
    let body = json_object(&resp.body);
    token_fields(
        resp.status,
        resp.retry_after.as_deref(),
        now_ms,
        body.as_ref(),
        answers,
    )
    .map(|f| f.to_set())
}

/// [`parse_token_response`] on a body already parsed (`None`: not a JSON
/// object), leaving the strings where they are.
pub fn token_fields<'v>(
    status: u16,
    retry_after: Option<&str>,
    now_ms: f64,
    body: Option<&'v Value<'v>>,
    answers: &Answers,
) -> Result<TokenFields<'v>> {
    let mut error = error_for(status, retry_after, now_ms, body, answers);
    if let Some(fix) = answers.fix_error {
        error = fix(status, error);
    }
    if let Some(e) = error {
        return Err(e);
    }
    let invalid =
        |message: &str| Error::new(ErrorCode::InvalidResponse, message).with_status(status);
    let body = body.ok_or_else(|| invalid("token endpoint did not answer JSON"))?;
    let access_token = first_str(body, &["access_token"])
        .filter(|t| !t.is_empty())
        .ok_or_else(|| invalid("token response has no access_token"))?;
    let expires_at = match body.get("expires_in") {
        None | Some(Value::Null) => answers
            .expires_date
            .and_then(|key| first_str(body, &[key]))
            .and_then(|date| parse_http_date(date, now_ms))
            .map(epoch_ms),
        Some(value) => {
            let seconds = match value {
                Value::Number(n) => Some(*n),
                Value::String(s) => json::number_value(s.trim()),
                _ => None,
            };
            let at = seconds.filter(|s| *s >= 0.0).map(|s| now_ms + s * 1000.0);
            Some(
                at.filter(|at| at.is_finite())
                    .map(epoch_ms)
                    .ok_or_else(|| invalid("expires_in is not a number"))?,
            )
        }
    };
    // Absent means Bearer (RFC 6750 servers often omit it); anything else
    // would be sent as Bearer while meant otherwise.
    let token_type = match body.get("token_type") {
        None | Some(Value::Null) => None,
        Some(t) => Some(
            t.as_str()
                .filter(|t| is_bearer(t))
                .ok_or_else(|| invalid("token_type is not Bearer"))?,
        ),
    };
    // Absent: the set keeps none (or, on refresh, the one it had); present,
    // it must be a URL credentials may go to.
    let api_base = match answers.api_base.and_then(|key| body.get(key)) {
        None | Some(Value::Null) => None,
        Some(b) => Some(
            b.as_str()
                .and_then(|b| endpoint::api_base(b).ok())
                .ok_or_else(|| {
                    invalid("the token answer's API base is not an https URL without query")
                })?,
        ),
    };
    let fields = TokenFields {
        access_token,
        token_type,
        expires_at,
        refresh_token: first_str(body, &["refresh_token"]).filter(|t| !t.is_empty()),
        scope: body
            .get("scope")
            .filter(|s| matches!(s, Value::String(_) | Value::Array(_))),
        api_base,
        comma_scopes: answers.comma_scopes,
    };
    if !fields.header_safe() {
        return Err(invalid(
            "token response has a token with CR, LF, NUL or non-ASCII characters",
        ));
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_700_000_000_000.0;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            retry_after: None,
            body: body.to_owned(),
        }
    }

    fn ok(body: &str) -> TokenSet {
        parse_token_response(&resp(200, body), NOW, &Answers::STANDARD).unwrap()
    }

    fn fail(status: u16, body: &str) -> Error {
        parse_token_response(&resp(status, body), NOW, &Answers::STANDARD).unwrap_err()
    }

    #[test]
    fn standard_response() {
        let t = ok(
            r#"{"access_token":"AT","token_type":"Bearer","expires_in":3600,"refresh_token":"RT","scope":"read  write"}"#,
        );
        assert_eq!(t.access_token.expose(), "AT");
        assert_eq!(t.token_type, "Bearer");
        assert_eq!(t.expires_at, Some(NOW + 3_600_000.0));
        assert_eq!(t.refresh_token.as_ref().map(Secret::expose), Some("RT"));
        assert_eq!(t.scopes, Some(vec!["read".to_owned(), "write".to_owned()]));
    }

    #[test]
    fn lenient_shapes() {
        // Flowlu: lower-case type, no expiry, no refresh token.
        let t = ok(r#"{"access_token":"AT","token_type":"bearer"}"#);
        assert_eq!(
            (
                t.token_type.as_str(),
                t.expires_at,
                t.refresh_token.is_none()
            ),
            ("bearer", None, true)
        );
        assert_eq!(t.scopes, None);
        assert_eq!(ok(r#"{"access_token":"AT"}"#).token_type, "Bearer");
        assert_eq!(
            ok(r#"{"access_token":"AT","token_type":null}"#).token_type,
            "Bearer"
        );
        assert_eq!(
            ok(r#"{"access_token":"AT","expires_in":"3600"}"#).expires_at,
            Some(NOW + 3_600_000.0)
        );
        assert_eq!(
            ok(r#"{"access_token":"AT","expires_in":" 3600.0 "}"#).expires_at,
            Some(NOW + 3_600_000.0)
        );
        assert_eq!(
            ok(r#"{"access_token":"AT","expires_in":0}"#).expires_at,
            Some(NOW)
        );
        assert_eq!(
            ok(r#"{"access_token":"AT","expires_in":null}"#).expires_at,
            None
        );
        assert_eq!(
            ok(r#"{"access_token":"AT","refresh_token":""}"#).refresh_token,
            None
        );
        assert_eq!(
            ok(r#"{"access_token":"AT","scope":["a","b c",1]}"#).scopes,
            Some(vec!["a".into(), "b".into(), "c".into()])
        );
        assert_eq!(
            ok(r#"{"access_token":"AT","scope":""}"#).scopes,
            Some(vec![])
        );
        assert_eq!(ok(r#"{"access_token":"AT","scope":7}"#).scopes, None);
        // 202 is the Virtuous provider's business, not this parser's.
        assert!(parse_token_response(
            &resp(202, r#"{"access_token":"AT"}"#),
            NOW,
            &Answers::STANDARD
        )
        .is_ok());
        assert!(parse_token_response(
            &resp(201, "\u{feff} {\"access_token\":\"AT\"} \n"),
            NOW,
            &Answers::STANDARD
        )
        .is_ok());
    }

    /// Hooks as a provider's file sets them (made-up names: the core knows
    /// no CRM).
    fn problem<'v>(body: &'v Value<'v>) -> Option<(&'v str, Option<&'v str>)> {
        let nested = body.get("problem")?;
        Some((
            first_str(nested, &["code"]).unwrap_or("invalid_request"),
            first_str(nested, &["message"]),
        ))
    }

    const QUIRKS: Answers = Answers {
        description_alias: Some("error_text"),
        error_shape: Some(problem),
        expires_date: Some("valid_until"),
        fix_error: None,
        api_base: Some("api_home"),
        comma_scopes: true,
    };

    #[test]
    fn provider_answers() {
        let parse =
            |status, body: &str, answers| parse_token_response(&resp(status, body), NOW, answers);
        // The expiry date member, only without `expires_in`.
        let dated = r#"{"access_token":"AT","valid_until":"Fri, 15 Mar 2024 14:30:00 GMT"}"#;
        assert_eq!(
            parse(200, dated, &QUIRKS).unwrap().expires_at,
            Some(1_710_513_000_000.0)
        );
        assert_eq!(
            parse(200, dated, &Answers::STANDARD).unwrap().expires_at,
            None
        );
        let both = r#"{"access_token":"AT","expires_in":60,"valid_until":"Fri, 15 Mar 2024 14:30:00 GMT"}"#;
        assert_eq!(
            parse(200, both, &QUIRKS).unwrap().expires_at,
            Some(NOW + 60_000.0)
        );
        let garbage = r#"{"access_token":"AT","valid_until":"garbage"}"#;
        assert_eq!(parse(200, garbage, &QUIRKS).unwrap().expires_at, None);
        // The description alias, even inside HTTP 200.
        let aliased = r#"{"error":"invalid_request_ssl","error_text":"use https"}"#;
        let e = parse(200, aliased, &QUIRKS).unwrap_err();
        assert_eq!((e.code, e.status), (ErrorCode::OauthError, Some(200)));
        assert_eq!(
            (e.error.as_deref(), e.error_description.as_deref()),
            (Some("invalid_request_ssl"), Some("use https"))
        );
        assert_eq!(
            parse(200, aliased, &Answers::STANDARD)
                .unwrap_err()
                .error_description,
            None
        );
        // The error shape, on an error status only.
        let shaped = r#"{"problem":{"code":"bad_thing","message":"m"}}"#;
        let e = parse(400, shaped, &QUIRKS).unwrap_err();
        assert_eq!(
            (e.code, e.error.as_deref(), e.error_description.as_deref()),
            (ErrorCode::OauthError, Some("bad_thing"), Some("m"))
        );
        assert_eq!(
            parse(400, shaped, &Answers::STANDARD).unwrap_err().code,
            ErrorCode::InvalidResponse
        );
        let ok_body = r#"{"access_token":"AT","problem":{"code":"x"}}"#;
        assert!(parse(200, ok_body, &QUIRKS).is_ok());
    }

    #[test]
    fn api_base_from_the_answer() {
        let parse = |body: &str, answers| parse_token_response(&resp(200, body), NOW, answers);
        let named = r#"{"access_token":"AT","api_home":"https://eu.api.example/"}"#;
        let t = parse(named, &QUIRKS).unwrap();
        assert_eq!(t.api_base.as_deref(), Some("https://eu.api.example"));
        assert_eq!(TokenSet::deserialize(&t.serialize()).unwrap(), t);
        assert!(t
            .serialize()
            .ends_with(r#","api_base":"https://eu.api.example"}"#));
        let commas = r#"{"access_token":"AT","scope":"deals:full,users:read ,x y"}"#;
        let words = ["deals:full", "users:read", "x", "y"].map(String::from);
        assert_eq!(parse(commas, &QUIRKS).unwrap().scopes.unwrap(), words);
        assert_eq!(
            parse(commas, &Answers::STANDARD)
                .unwrap()
                .scopes
                .unwrap()
                .len(),
            3
        );
        // Only the member the provider names, and only where it names one.
        assert_eq!(parse(named, &Answers::STANDARD).unwrap().api_base, None);
        let loopback = r#"{"access_token":"AT","api_home":"http://127.0.0.1:9"}"#;
        assert_eq!(
            parse(loopback, &QUIRKS).unwrap().api_base.as_deref(),
            Some("http://127.0.0.1:9")
        );
        let absent = r#"{"access_token":"AT","api_home":null}"#;
        assert_eq!(parse(absent, &QUIRKS).unwrap().api_base, None);
        for bad in [
            r#""http://eu.api.example""#,
            r#""https://eu.api.example/?x=1""#,
            r#""/api""#,
            r#""javascript:alert(1)""#,
            r#""""#,
            "5",
        ] {
            let body = format!(r#"{{"access_token":"AT","api_home":{bad}}}"#);
            let e = parse(&body, &QUIRKS).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidResponse, "{bad}");
        }
        // Stored sets: absent is none; a bad one is not a stored set.
        let stored = r#"{"v":1,"access_token":"AT","token_type":"Bearer","expires_at":null,"refresh_token":null,"scope":null,"api_base":"http://h.example"}"#;
        assert!(TokenSet::deserialize(stored).is_err());
        let json = r#"{"accessToken":"AT","apiBase":"https://x.example/"}"#;
        let init = Options::parse(json, "init", false).unwrap();
        assert_eq!(
            TokenSet::from_init(&init).unwrap().api_base.as_deref(),
            Some("https://x.example")
        );
    }

    #[test]
    fn invalid_success_bodies() {
        for (body, message) in [
            ("", "token endpoint did not answer JSON"),
            ("<html>ok</html>", "token endpoint did not answer JSON"),
            ("[]", "token endpoint did not answer JSON"),
            ("\"AT\"", "token endpoint did not answer JSON"),
            ("{}", "token response has no access_token"),
            (
                r#"{"access_token":""}"#,
                "token response has no access_token",
            ),
            (
                r#"{"access_token":5}"#,
                "token response has no access_token",
            ),
            (
                r#"{"access_token":"AT","expires_in":-1}"#,
                "expires_in is not a number",
            ),
            (
                r#"{"access_token":"AT","expires_in":"soon"}"#,
                "expires_in is not a number",
            ),
            (
                r#"{"access_token":"AT","expires_in":"NaN"}"#,
                "expires_in is not a number",
            ),
            (
                r#"{"access_token":"AT","expires_in":"inf"}"#,
                "expires_in is not a number",
            ),
            (
                r#"{"access_token":"AT","expires_in":1e400}"#,
                "expires_in is not a number",
            ),
            (
                r#"{"access_token":"AT","expires_in":true}"#,
                "expires_in is not a number",
            ),
        ] {
            let e = fail(200, body);
            assert_eq!(
                (e.code, e.message.as_str(), e.status),
                (ErrorCode::InvalidResponse, message, Some(200)),
                "{body}"
            );
        }
    }

    #[test]
    fn oauth_errors() {
        let e = fail(
            400,
            r#"{"error":"invalid_grant","error_description":"code reused"}"#,
        );
        assert_eq!(e.code, ErrorCode::OauthError);
        assert_eq!(
            e.message,
            "token endpoint answered invalid_grant (HTTP 400)"
        );
        assert_eq!(
            (e.error.as_deref(), e.error_description.as_deref(), e.status),
            (Some("invalid_grant"), Some("code reused"), Some(400))
        );
        // The standard shape counts inside HTTP 200 too.
        let e = fail(
            200,
            r#"{"error":"invalid_request","error_description":"d"}"#,
        );
        assert_eq!((e.code, e.status), (ErrorCode::OauthError, Some(200)));
        // A weird code stays out of the message but is kept in `error`.
        let e = fail(401, r#"{"error":"access_token=SECRET"}"#);
        assert_eq!(e.message, "token endpoint answered an error (HTTP 401)");
        assert_eq!(e.error.as_deref(), Some("access_token=SECRET"));
    }

    #[test]
    fn unexpected_statuses() {
        let e = fail(
            500,
            "<html><body>Internal error, token=SECRET</body></html>",
        );
        assert_eq!((e.code, e.status), (ErrorCode::InvalidResponse, Some(500)));
        assert_eq!(e.message, "unexpected HTTP 500 from token endpoint");
        assert_eq!(
            fail(400, r#"{"message":"no"}"#).code,
            ErrorCode::InvalidResponse
        );
        assert_eq!(fail(302, "").code, ErrorCode::InvalidResponse);
        assert_eq!(fail(0, "").code, ErrorCode::InvalidResponse);
    }

    #[test]
    fn rate_limits() {
        let mut r = resp(429, r#"{"error":"slow_down"}"#);
        r.retry_after = Some("30".into());
        let e = parse_token_response(&r, NOW, &Answers::STANDARD).unwrap_err();
        assert_eq!(
            (e.code, e.status, e.retry_after),
            (ErrorCode::RateLimited, Some(429), Some(30.0))
        );
        r.retry_after = Some("Tue, 14 Nov 2023 22:15:20 GMT".into()); // NOW + 120 s
        assert_eq!(
            parse_token_response(&r, NOW, &Answers::STANDARD)
                .unwrap_err()
                .retry_after,
            Some(120.0)
        );
        r.retry_after = Some("later".into());
        assert_eq!(
            parse_token_response(&r, NOW, &Answers::STANDARD)
                .unwrap_err()
                .retry_after,
            None
        );
        r.retry_after = None;
        assert_eq!(
            parse_token_response(&r, NOW, &Answers::STANDARD)
                .unwrap_err()
                .code,
            ErrorCode::RateLimited
        );
    }

    #[test]
    fn response_error_is_none_for_success() {
        assert_eq!(
            response_error(
                &resp(200, r#"{"access_token":"AT"}"#),
                NOW,
                &Answers::STANDARD
            ),
            None
        );
        assert_eq!(
            response_error(&resp(204, ""), NOW, &Answers::STANDARD),
            None
        );
        assert!(response_error(&resp(200, r#"{"error":"x"}"#), NOW, &Answers::STANDARD).is_some());
    }

    #[test]
    fn refresh_token_keeping() {
        let mut t = ok(r#"{"access_token":"AT","expires_in":120}"#);
        assert_eq!(t.expires_at, Some(NOW + 120_000.0));
        t.keep_refresh_token(Some("OLD"));
        assert_eq!(t.refresh_token.as_ref().map(Secret::expose), Some("OLD"));
        let mut rotated = ok(r#"{"access_token":"AT","refresh_token":"NEW"}"#);
        rotated.keep_refresh_token(Some("OLD"));
        assert_eq!(
            rotated.refresh_token.as_ref().map(Secret::expose),
            Some("NEW")
        );
        let mut none = ok(r#"{"access_token":"AT"}"#);
        none.keep_refresh_token(Some(""));
        assert_eq!(none.refresh_token, None);
    }

    #[test]
    fn serialization_round_trips() {
        let t = ok(
            r#"{"access_token":"A\"T","token_type":"bearer","expires_in":1.5,"refresh_token":"RT","scope":"a\u0001é b"}"#,
        );
        let s = t.serialize();
        assert_eq!(
            s,
            "{\"v\":1,\"access_token\":\"A\\\"T\",\"token_type\":\"bearer\",\"expires_at\":1700000001500,\"refresh_token\":\"RT\",\"scope\":\"a\\u0001é b\"}"
        );
        assert_eq!(TokenSet::deserialize(&s).unwrap(), t);
        let bare = ok(r#"{"access_token":"AT"}"#);
        assert_eq!(
            bare.serialize(),
            r#"{"v":1,"access_token":"AT","token_type":"Bearer","expires_at":null,"refresh_token":null,"scope":null}"#
        );
        assert_eq!(TokenSet::deserialize(&bare.serialize()).unwrap(), bare);
        let odd = TokenSet {
            expires_at: Some(epoch_ms(1e300)),
            scopes: Some(vec![]),
            ..bare
        };
        assert_eq!(TokenSet::deserialize(&odd.serialize()).unwrap(), odd);
    }

    #[test]
    fn only_bearer_tokens() {
        for kind in ["Bearer", "bearer", "BEARER"] {
            assert_eq!(
                ok(&format!(r#"{{"access_token":"AT","token_type":"{kind}"}}"#)).token_type,
                kind
            );
        }
        for kind in [
            r#""DPoP""#,
            r#""mac""#,
            r#""N_A""#,
            r#""""#,
            r#""Bearer ""#,
            "5",
            "[]",
        ] {
            let e = fail(
                200,
                &format!(r#"{{"access_token":"AT","token_type":{kind}}}"#),
            );
            assert_eq!(
                (e.code, e.message.as_str()),
                (ErrorCode::InvalidResponse, "token_type is not Bearer"),
                "{kind}"
            );
        }
        let stored = r#"{"v":1,"access_token":"AT","token_type":"DPoP","expires_at":null,"refresh_token":null,"scope":null}"#;
        assert_eq!(
            TokenSet::deserialize(stored).unwrap_err().code,
            ErrorCode::InvalidArgument
        );
    }

    #[test]
    fn tokens_must_fit_in_a_header() {
        for bad in [r"A\rT", r"A\nT", r"A\u0000T", "Aé", r"A\u007fT", r"A\tT"] {
            for body in [
                format!(r#"{{"access_token":"{bad}SECRET"}}"#),
                format!(r#"{{"access_token":"AT","refresh_token":"{bad}SECRET"}}"#),
            ] {
                let e = fail(200, &body);
                assert_eq!(e.code, ErrorCode::InvalidResponse, "{body}");
                assert!(!e.message.contains("SECRET"), "{}", e.message);
                let stored = TokenSet::deserialize(&ok_stored(&body)).unwrap_err();
                assert_eq!(stored.code, ErrorCode::InvalidArgument, "{body}");
            }
        }
        assert_eq!(
            ok(r#"{"access_token":"A T~!","refresh_token":"R/+="}"#)
                .access_token
                .expose(),
            "A T~!"
        );
    }

    /// A stored set with the fields of a token answer, unchecked.
    fn ok_stored(body: &str) -> String {
        let v = json::parse(body).unwrap();
        let field = |k| {
            v.get(k)
                .and_then(Value::as_str)
                .map_or("null".to_owned(), |t| {
                    let mut out = String::new();
                    json::write_string(&mut out, t);
                    out
                })
        };
        format!(
            r#"{{"v":1,"access_token":{},"token_type":"Bearer","expires_at":null,"refresh_token":{},"scope":null}}"#,
            field("access_token"),
            field("refresh_token")
        )
    }

    /// The fields a text's members stand for, comparable.
    fn stored_view(stored: Option<StoredMembers>) -> Option<String> {
        let stored = stored?;
        let f = stored.fields()?;
        Some(format!(
            "{} {:?} {:?} {:?} {:?} {:?}",
            f.access_token, f.token_type, f.expires_at, f.refresh_token, f.scope, f.api_base
        ))
    }

    #[test]
    fn stored_layout_reads_as_the_parser_does() {
        let written = [
            serialize_fields("AT", "Bearer", Some(1.7e12), Some("RT"), Some("a b"), None),
            serialize_fields("A.T", "bearer", None, None, None, None),
            serialize_fields(
                "AT",
                "Bearer",
                Some(5.0),
                None,
                None,
                Some("https://x.example"),
            ),
        ];
        for text in &written {
            let read = StoredMembers::as_written(text);
            assert!(read.is_some(), "{text}");
            assert_eq!(
                stored_view(read),
                stored_view(StoredMembers::parsed(text)),
                "{text}"
            );
        }
        // Every one-byte change and cut of what `serialize` writes: where the
        // fast path still reads a set, it is the one the parser reads.
        let mut fast = 0;
        for text in &written {
            for i in 0..=text.len() {
                let mut variants = vec![text[..i].to_owned()];
                for b in [
                    " ", "\"", "\\", "\u{1}", "0", "-", ".", "}", ",", "n", "é", "x",
                ] {
                    variants.push(format!("{}{b}{}", &text[..i], &text[i..]));
                    if i < text.len() {
                        variants.push(format!("{}{b}{}", &text[..i], &text[i + 1..]));
                    }
                }
                for v in &variants {
                    if let Some(read) = StoredMembers::as_written(v) {
                        fast += 1;
                        let view = stored_view(Some(read));
                        assert_eq!(view, stored_view(StoredMembers::parsed(v)), "{v}");
                    }
                }
            }
        }
        assert!(fast > 100, "{fast}");
    }

    #[test]
    fn deserialize_rejects_others() {
        for bad in [
            "",
            "null",
            "{}",
            r#"{"access_token":"AT","token_type":"Bearer"}"#,
            r#"{"v":2,"access_token":"AT","token_type":"Bearer"}"#,
            r#"{"v":1,"access_token":"","token_type":"Bearer"}"#,
            r#"{"v":1,"access_token":"AT"}"#,
            r#"{"v":1,"access_token":"AT","token_type":"Bearer","expires_at":"1"}"#,
            r#"{"v":1,"access_token":"AT","token_type":"Bearer","refresh_token":1}"#,
            r#"{"v":1,"access_token":"AT","token_type":"Bearer","scope":["a"]}"#,
        ] {
            let e = TokenSet::deserialize(bad).unwrap_err();
            assert_eq!(
                (e.code, e.message.as_str()),
                (ErrorCode::InvalidArgument, "not a serialized TokenSet"),
                "{bad}"
            );
        }
    }

    #[test]
    fn debug_is_redacted() {
        let t = ok(
            r#"{"access_token":"SECRET_AT","refresh_token":"SECRET_RT","expires_in":1,"scope":"s"}"#,
        );
        let shown = format!("{t:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert_eq!(shown, "TokenSet { token_type: \"Bearer\", expires_at: Some(1700000001000.0), has_refresh_token: true, scopes: Some([\"s\"]), api_base: None }");
    }
}
