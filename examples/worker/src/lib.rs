//! A `workers-rs` Worker that logs a user in to Flextell with crm-auth's
//! Rust client and calls its API: `/login` (to the consent page), `/callback`
//! (code exchange, tokens stored), `/me` (`Session::fetch`, refreshed as
//! needed). Configuration from the Worker's vars: `FLEXTELL_ORIGIN` (the
//! simulator in tests), `CLIENT_ID`, `CLIENT_SECRET`, `REDIRECT_URI`.
//!
//! State and PKCE verifier travel in an `HttpOnly` cookie and tokens live in
//! a `MemoryStore` per isolate: enough for an example. In production, keep
//! them in KV or a Durable Object (implement `crm_auth::client::Store`) and
//! seal the cookie.

use std::sync::Arc;

use crm_auth::client::{self as crm, AuthorizationRequestOptions, Flextell, MemoryStore, Session};
use worker::{event, Context, Env, Headers, Request, Response, Result};

thread_local! {
    /// Tokens of this isolate's users (one demo user).
    static TOKENS: Arc<MemoryStore> = Arc::new(MemoryStore::new());
}

const USER: &str = "demo-user";
const COOKIE: &str = "crm_auth_login";

fn flextell(env: &Env) -> Result<Flextell> {
    let var = |name: &str| env.var(name).map(|v| v.to_string());
    let options = serde_json::json!({
        "clientId": var("CLIENT_ID")?,
        "clientSecret": env.secret("CLIENT_SECRET")?.to_string(),
        "redirectUri": var("REDIRECT_URI")?,
        "origin": var("FLEXTELL_ORIGIN")?,
        "scopes": ["read"],
    });
    Flextell::new(options).map_err(failed)
}

/// The client's error as the Worker's: code and message only (no secrets).
fn failed(e: crm::Error) -> worker::Error {
    worker::Error::RustError(e.to_string())
}

fn session(flextell: &Flextell) -> Result<Session> {
    let store = TOKENS.with(Arc::clone);
    Session::new(flextell, store, USER).map_err(failed)
}

fn cookie(req: &Request) -> Result<Option<(String, String)>> {
    let header = req.headers().get("cookie")?.unwrap_or_default();
    let value = header
        .split(';')
        .filter_map(|c| c.trim().strip_prefix(COOKIE)?.strip_prefix('='))
        .next();
    Ok(value.and_then(|v| {
        let (state, verifier) = v.split_once('.')?;
        Some((state.to_owned(), verifier.to_owned()))
    }))
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let flextell = flextell(&env)?;
    let url = req.url()?;
    match url.path() {
        "/login" => {
            // Random state and verifier inside the handler: workerd forbids
            // random values at global scope.
            let request = flextell
                .create_authorization_request(&AuthorizationRequestOptions::default())
                .map_err(failed)?;
            let verifier = request.code_verifier.as_ref().map_or("", |v| v.expose());
            let headers = Headers::new();
            headers.set("location", &request.url)?;
            headers.set(
                "set-cookie",
                &format!(
                    "{COOKIE}={}.{verifier}; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=600",
                    request.state
                ),
            )?;
            Ok(Response::empty()?.with_status(302).with_headers(headers))
        }
        "/callback" => {
            let Some((state, verifier)) = cookie(&req)? else {
                return Response::error("no login in progress", 400);
            };
            let callback = match flextell.parse_callback(url.as_str(), &state) {
                Ok(callback) => callback,
                Err(e) => return Response::error(e.to_string(), 400),
            };
            let tokens = flextell
                .exchange_code(
                    callback.code.expose(),
                    Some(&verifier),
                    callback.accounts_server.as_deref(),
                )
                .await
                .map_err(failed)?;
            session(&flextell)?.save(&tokens).await.map_err(failed)?;
            Response::ok("logged in")
        }
        "/me" => match session(&flextell)?
            .fetch(crm::Request::get("/users/me"))
            .await
        {
            Ok(answer) => Response::ok(answer.text()).map(|r| r.with_status(answer.status)),
            // invalid_grant: nobody logged in (or the refresh token died).
            Err(e) if e.error() == Some("invalid_grant") => Response::error("log in first", 401),
            Err(e) => Err(failed(e)),
        },
        _ => Response::error("not found", 404),
    }
}
