//! parse_callback: never panics; success only with a non-empty code and the
//! expected state, and a different expected state is always refused.
#![no_main]
use crm_auth::core::callback::{parse_callback, Callback};
use crm_auth::core::error::ErrorCode;
use crm_auth::core::secret::Secret;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // "url \0 expected_state [\0 expected_issuer]"
    let mut parts = text.splitn(3, '\0');
    let url = parts.next().unwrap_or("");
    let state = parts.next().unwrap_or("st");
    let issuer = parts.next();
    match parse_callback(url, state, issuer) {
        Ok(cb) => {
            assert!(!state.is_empty());
            assert_eq!(cb.state, state);
            assert!(!cb.code.expose().is_empty());
            // Debug never depends on the code.
            let redacted = Callback {
                code: Secret::new("x"),
                state: cb.state.clone(),
            };
            assert_eq!(format!("{cb:?}"), format!("{redacted:?}"));
            // The state is really checked.
            let other = format!("{state}x");
            let e = parse_callback(url, &other, issuer).expect_err("another state must be refused");
            assert_eq!(e.code, ErrorCode::StateMismatch);
        }
        Err(e) => assert!(matches!(
            e.code,
            ErrorCode::InvalidCallback
                | ErrorCode::InvalidArgument
                | ErrorCode::StateMismatch
                | ErrorCode::AuthorizationDenied
        )),
    }
});
