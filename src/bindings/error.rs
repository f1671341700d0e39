//! Core errors become `CrmAuthError` instances (the class lives in the
//! package's `errors.js`, which registers itself at start-up).

use std::cell::RefCell;

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::core::error::Error;

thread_local! {
    static ERROR_CLASS: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Registers the JS `CrmAuthError` class; called once by the package entry.
#[wasm_bindgen(js_name = "__setErrorClass", skip_typescript)]
pub fn set_error_class(class: Function) {
    ERROR_CLASS.with(|c| *c.borrow_mut() = Some(class));
}

/// Converts a core error into a thrown JS value. Without a registered class
/// (bare wasm tests) it is a plain `Error` named `CrmAuthError` with the same
/// properties.
pub fn to_js(err: Error, provider: &str) -> JsValue {
    let props = Object::new();
    set(&props, "code", &err.code.as_str().into());
    set(&props, "provider", &provider.into());
    if let Some(s) = err.status {
        set(&props, "status", &s.into());
    }
    if let Some(e) = &err.error {
        set(&props, "error", &e.as_str().into());
    }
    if let Some(d) = &err.error_description {
        set(&props, "errorDescription", &d.as_str().into());
    }
    if let Some(r) = err.retry_after {
        set(&props, "retryAfter", &r.into());
    }
    let message = JsValue::from_str(&err.message);
    let class = ERROR_CLASS.with(|c| c.borrow().clone());
    if let Some(class) = class {
        if let Ok(e) = Reflect::construct(&class, &js_sys::Array::of2(&message, &props)) {
            return e;
        }
    }
    let e = js_sys::Error::new(&err.message);
    e.set_name("CrmAuthError");
    Object::assign(&e, &props).into()
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(obj, &key.into(), value);
}
