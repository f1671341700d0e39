//! callback_code: never panics; success only with a non-empty code and the
//! expected state, and a different expected state is always refused.
#![no_main]
use crm_auth::core::callback::{callback_code, Issuer};
use crm_auth::core::error::ErrorCode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // "url \0 expected_state [\0 expected_issuer]"
    let mut parts = text.splitn(3, '\0');
    let url = parts.next().unwrap_or("");
    let state = parts.next().unwrap_or("st");
    let issuer = parts.next().map_or(Issuer::Any, Issuer::Exact);
    match callback_code(url, state, issuer) {
        Ok(code) => {
            assert!(!state.is_empty());
            assert!(!code.is_empty());
            // The state is really checked.
            let other = format!("{state}x");
            let e = callback_code(url, &other, issuer).expect_err("another state must be refused");
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
