//! check_endpoint / origin_of / join_origin / is_loopback_url and the HTTP
//! date parsers: never panic; an accepted endpoint is https or loopback; its
//! origin is itself an acceptable origin to join paths to.
#![no_main]
use crm_auth::core::endpoint::{check_endpoint, is_loopback_url, join_origin, origin_of};
use crm_auth::core::time::{parse_http_date, parse_retry_after};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (url, path) = text.split_once('\0').unwrap_or((text, "/p"));
    if check_endpoint(url).is_ok() {
        assert!(
            url.get(..8)
                .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
                || is_loopback_url(url)
        );
        let origin = origin_of(url).expect("an accepted endpoint has an origin");
        assert!(check_endpoint(&origin).is_ok());
        let joined = join_origin(&origin, "/x").expect("its origin joins a path");
        assert!(joined.starts_with(&origin));
    }
    if let Ok(joined) = join_origin(url, path) {
        assert!(check_endpoint(&joined).is_ok());
        assert!(joined.ends_with(path));
    }
    if let Some(ms) = parse_http_date(text, 1.7e12) {
        assert!(ms.is_finite() && ms % 1000.0 == 0.0);
    }
    if let Some(s) = parse_retry_after(text, 1.7e12) {
        assert!(s.is_finite() && s >= 0.0);
    }
});
