// crm-auth demo page: plain ESM, no build step. Talks to the Worker's routes
// (/status, /connect, /api, /refresh, /logout) and never sees a token.

const FORM_PROVIDERS = new Set(['flowlu', 'virtuous']); // API key or password grant, posted to the Worker
const METHOD_LABEL = { oauth: 'OAuth 2.0 authorization code', password: 'Password grant', apikey: 'API key' };
const ERROR_TEXT = {
  authorization_denied: 'Access was denied on the consent page.',
  access_denied: 'Access was denied on the consent page.',
  state_mismatch: 'The login could not be matched to this browser (it expired, was reused or started elsewhere). Please try again.',
  invalid_callback: 'The provider sent back an unexpected answer. Please try again.',
  invalid_grant: 'The provider refused the credentials, or the session is no longer valid.',
  oauth_error: 'The provider refused the request.',
  otp_required: 'Enter the verification code to finish logging in.',
  network_error: 'The provider could not be reached.',
  timeout: 'The provider did not answer in time.',
  rate_limited: 'Too many requests; wait a moment and try again.',
  invalid_response: 'The provider answered with something unexpected.',
  invalid_argument: 'Some fields are missing or invalid.',
  not_configured: 'This provider is not configured in the Worker.',
  not_connected: 'Not connected.',
  unsupported: 'Not supported for this credential.',
};

const $ = (sel, root = document) => root.querySelector(sel);

/** Tiny element builder: h('p', { class: 'x' }, 'text', child). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v == null) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c != null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

const errorText = (code) => ERROR_TEXT[code] ?? 'Something went wrong.';

/** Name and email out of any of the simulated CRMs' "who am I" answers. */
function identityOf(data) {
  if (!data || typeof data !== 'object') return null;
  if (Array.isArray(data.properties)) { // Agile CRM contact
    const prop = (n) => data.properties.find((p) => p && p.name === n)?.value;
    const name = [prop('first_name'), prop('last_name')].filter(Boolean).join(' ');
    return { name: name || null, email: prop('email') ?? null };
  }
  const name = data.name ?? data.full_name; // Zoho CRM: full_name
  if (typeof name === 'string' || typeof data.email === 'string') return { name: name ?? null, email: data.email ?? null };
  for (const v of Object.values(data)) { // Flowlu: { response: { user: {...} } }
    const found = v && typeof v === 'object' ? identityOf(v) : null;
    if (found) return found;
  }
  return null;
}

/** mm:ss until `expiresAt` (epoch ms). */
function countdown(expiresAt) {
  const left = Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
  if (left === 0) return 'expired';
  const m = Math.floor(left / 60), s = left % 60;
  return `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

function tick() {
  for (const el of document.querySelectorAll('[data-expires]')) {
    const text = countdown(Number(el.dataset.expires));
    if (el.textContent !== text) el.textContent = text;
    el.classList.toggle('expired', text === 'expired');
  }
}

async function getJson(url, init) {
  const res = await fetch(url, { headers: { accept: 'application/json' }, ...init });
  let body = null;
  try { body = await res.json(); } catch { /* not JSON */ }
  return { ok: res.ok, status: res.status, body };
}

function alertBox(code, detail) {
  return h('p', { class: 'alert', role: 'alert', 'data-role': 'error' }, errorText(code), ' ', h('code', {}, code), detail ? ` ${detail}` : null);
}

const noteBox = (text) => h('p', { class: 'note', role: 'status' }, text);

function cardShell(status, ...body) {
  const method = status.connected && status.method ? METHOD_LABEL[status.method] ?? status.method : null;
  return h('article', { class: `card${status.connected ? ' is-connected' : ''}`, id: `card-${status.name}`, 'data-provider': status.name, 'aria-labelledby': `title-${status.name}` },
    h('div', { class: 'card-head' },
      h('h3', { id: `title-${status.name}` }, status.label ?? status.name),
      h('span', { class: `badge ${status.connected ? 'on' : 'off'}`, 'data-role': 'state' }, status.connected ? 'Connected' : 'Not connected')),
    method ? h('p', { class: 'meta', 'data-role': 'method' }, method) : null,
    ...body);
}

function expiryOf(expiresAt) {
  return expiresAt == null
    ? h('span', { 'data-role': 'expiry' }, 'no expiry')
    : h('span', { 'data-role': 'expiry', class: 'mono', dataset: { expires: String(expiresAt) } }, countdown(expiresAt));
}

/** The "Who am I" row of a connected card's facts: [slot, row]. */
function whoBox() {
  const who = h('dd', { class: 'who', 'data-role': 'who' }, h('span', { class: 'muted' }, 'Asking who you are…'));
  return [who, h('div', {}, h('dt', {}, 'Who am I'), who)];
}

function showIdentity(slot, data, fallbackCode) {
  const id = identityOf(data);
  if (id && (id.name || id.email)) {
    slot.replaceChildren(h('strong', { 'data-role': 'name' }, id.name ?? '—'), id.email ? h('span', { class: 'muted' }, ` · ${id.email}`) : null);
  } else {
    slot.replaceChildren(alertBox(fallbackCode));
  }
}

// ---- Worker-backed providers -----------------------------------------------------------

const initialUrl = location.href;
const params = new URLSearchParams(location.search);
const flash = {
  connected: params.get('connected'),
  error: params.get('error'),
  errorProvider: params.get('provider'),
  otp: params.get('otp'),
};
const PENDING = 'crm-auth-demo:pending';
const isPureCallback = params.has('state') && sessionStorage.getItem(PENDING) !== null;
if (!isPureCallback && [...params.keys()].length) history.replaceState(null, '', location.pathname);

const cards = new Map(); // provider name -> { status, el }

function render(status, extra = {}) {
  const old = cards.get(status.name)?.el;
  const el = status.connected ? connectedCard(status, extra) : disconnectedCard(status, extra);
  cards.set(status.name, { status, el });
  if (old?.isConnected) old.replaceWith(el);
  return el;
}

function disconnectedCard(status, { error, otp } = {}) {
  const name = status.name;
  if (!FORM_PROVIDERS.has(name)) {
    return cardShell(status,
      h('p', { class: 'meta' }, 'OAuth 2.0 authorization code with PKCE; the Worker holds the client secret.'),
      error ? alertBox(error) : null,
      h('div', { class: 'actions' }, h('a', { class: 'button primary', href: `/connect/${name}`, 'data-role': 'connect' }, `Connect ${status.label ?? name}`)));
  }
  return cardShell(status, credentialForm(status, { error, otp }));
}

/** Flowlu / Virtuous: an API key, or username + password (+ a one-time code when asked). */
function credentialForm(status, { error, otp }) {
  const name = status.name;
  const id = (f) => `${name}-${f}`;
  const errBox = h('div', { 'data-role': 'error-slot' }, error ? alertBox(error) : null);
  const modeRadio = (value, text, checked) => h('label', { class: 'choice' },
    h('input', { type: 'radio', name: 'mode', value, checked, onchange: () => sync() }), text);
  const field = (f, label, attrs = {}) => h('div', { class: 'field', 'data-field': f },
    h('label', { for: id(f) }, label),
    h('input', { id: id(f), name: f, spellcheck: 'false', ...attrs }));
  const wantPassword = Boolean(otp);
  const form = h('form', { method: 'post', action: `/connect/${name}`, class: 'cred-form', 'data-role': 'connect-form' },
    h('fieldset', { class: 'modes' }, h('legend', {}, 'Log in with'),
      modeRadio('apikey', 'API key', !wantPassword), modeRadio('password', 'Username & password', wantPassword)),
    field('apiKey', 'API key', { type: 'password', autocomplete: 'off' }),
    field('username', 'Username', { type: 'text', autocomplete: 'username' }),
    field('password', 'Password', { type: 'password', autocomplete: 'current-password' }),
    field('otp', 'Verification code', { type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code' }),
    errBox,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-role': 'connect' }, `Connect ${status.label ?? name}`)));
  let askOtp = Boolean(otp);
  function sync() {
    const mode = form.elements.mode.value;
    const show = { apiKey: mode === 'apikey', username: mode === 'password', password: mode === 'password', otp: mode === 'password' && askOtp };
    for (const [f, visible] of Object.entries(show)) {
      const wrap = form.querySelector(`[data-field="${f}"]`);
      const input = wrap.querySelector('input');
      wrap.hidden = !visible;
      input.disabled = !visible;
      input.required = visible;
    }
  }
  sync();
  if (otp) errBox.replaceChildren(noteBox('A verification code was sent. Enter it with your username and password.'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    const label = button.textContent;
    button.disabled = true;
    button.textContent = 'Connecting…';
    try {
      // fetch follows the Worker's 302 to /?connected=…, /?otp=… or /?error=…: read where it landed.
      const res = await fetch(form.action, { method: 'POST', body: new URLSearchParams(new FormData(form)) });
      await res.arrayBuffer();
      const landed = new URL(res.url).searchParams;
      if (landed.get('connected') === name) {
        await refreshCard(name);
        return;
      }
      if (landed.get('otp') === name) {
        askOtp = true;
        sync();
        errBox.replaceChildren(noteBox('A verification code was sent. Enter it to finish logging in.'));
        form.querySelector(`#${id('otp')}`).focus();
      } else {
        errBox.replaceChildren(alertBox(landed.get('error') ?? 'invalid_response'));
      }
    } catch {
      errBox.replaceChildren(alertBox('network_error'));
    }
    button.disabled = false;
    button.textContent = label;
  });
  return form;
}

function connectedCard(status, { note, error } = {}) {
  const name = status.name;
  const [who, whoRow] = whoBox();
  const noteSlot = h('div', { 'data-role': 'note' }, note ? noteBox(note) : null, error ? alertBox(error) : null);
  const canRefresh = Boolean(status.hasRefreshToken);
  const refresh = h('button', { type: 'button', 'data-role': 'refresh', disabled: !canRefresh, title: canRefresh ? null : 'No refresh token: this credential does not expire' }, 'Refresh');
  const logout = h('button', { type: 'button', 'data-role': 'logout' }, 'Log out');
  const mePath = (status.mePath ?? '').replace(/^\/+/, '');
  const card = cardShell(status,
    h('dl', { class: 'facts' },
      whoRow,
      h('div', {}, h('dt', {}, 'Access token expires in'), h('dd', {}, expiryOf(status.expiresAt))),
      h('div', {}, h('dt', {}, 'Refresh token'), h('dd', { 'data-role': 'has-refresh' }, canRefresh ? 'yes, kept by the Worker' : 'none')),
      h('div', {}, h('dt', {}, 'API call'), h('dd', {}, h('code', {}, `GET /api/${name}/${mePath}`)))),
    noteSlot,
    h('div', { class: 'actions' }, refresh, logout));

  const setBusy = (on) => {
    card.setAttribute('aria-busy', String(on));
    refresh.disabled = on || !canRefresh;
    logout.disabled = on;
  };
  refresh.addEventListener('click', async () => {
    setBusy(true);
    const res = await getJson(`/refresh/${name}`, { method: 'POST' }).catch(() => null);
    const fresh = res?.body?.providers ? res.body.providers.find((p) => p.name === name) : res?.body;
    if (!res?.ok || !fresh || typeof fresh.connected !== 'boolean') {
      // A dead refresh token logs the user out: show the card as it now is, with the reason.
      await refreshCard(name, { error: res?.body?.error ?? 'network_error' });
      return;
    }
    const el = render({ ...status, ...fresh }, fresh.connected
      ? { note: `Refreshed at ${new Date().toLocaleTimeString()}: a new access token was issued.` }
      : { error: 'invalid_grant' });
    el.querySelector('[data-role=refresh]')?.focus();
  });
  logout.addEventListener('click', async () => {
    setBusy(true);
    await getJson(`/logout/${name}`, { method: 'POST' }).catch(() => null);
    await refreshCard(name);
  });
  getJson(`/api/${name}/${mePath}`)
    .then((res) => {
      if (res.ok || res.body?.error) return showIdentity(who, res.ok ? res.body : null, res.body?.error);
      // The CRM's own error answer (e.g. 404 Contact not found): say what it said.
      const said = typeof res.body?.message === 'string' ? `: ${res.body.message}` : '';
      who.replaceChildren(h('span', { class: 'alert inline', role: 'alert', 'data-role': 'error' }, `The API answered ${res.status}${said}`));
    })
    .catch(() => showIdentity(who, null, 'network_error'));
  return card;
}

async function refreshCard(name, extra = {}) {
  const res = await getJson('/status').catch(() => null);
  const status = res?.body?.providers?.find((p) => p.name === name);
  if (status) render(status, extra);
}

async function loadProviders() {
  const root = $('#providers');
  const res = await getJson('/status').catch(() => null);
  if (!res?.ok || !Array.isArray(res.body?.providers)) {
    root.replaceChildren(alertBox('network_error', '(GET /status failed)'));
    return;
  }
  root.replaceChildren(...res.body.providers.map((status) => render(status, {
    error: flash.error && flash.errorProvider === status.name ? flash.error : null,
    otp: flash.otp === status.name,
  })));
  if (flash.error && !cards.has(flash.errorProvider)) root.prepend(alertBox(flash.error));
}

// ---- Pure browser mode: a public client with PKCE, tokens in sessionStorage -------------
// The generic OAuth2 provider against a server that documents public clients (the
// simulator's OAuth 2.0 test server): Flextell documents confidential clients only, so
// logging in to it without a secret would rely on something it does not promise.

const TOKENS_KEY = 'crm-auth-demo:oauth2';

async function loadPure() {
  const root = $('#pure');
  let config = null;
  try {
    const res = await fetch('/crm-auth/demo-config.json');
    if (res.ok) config = await res.json();
  } catch { /* not served here */ }
  if (!config) {
    root.replaceChildren(h('p', { class: 'muted' }, 'Not available here: start the demo with ', h('code', {}, 'bash scripts/demo.sh'), ', which also serves the browser build under /crm-auth/.'));
    return;
  }
  const lib = await import(config.module);
  const provider = new lib.OAuth2({
    clientId: config.clientId,
    redirectUri: config.redirectUri,
    authorizationEndpoint: config.authorizationEndpoint,
    tokenEndpoint: config.tokenEndpoint,
    revocationEndpoint: config.revocationEndpoint,
    apiBase: config.apiBase,
  });
  const store = new lib.WebStorageStore(sessionStorage);
  const session = new lib.Session({ provider, store, key: TOKENS_KEY });
  const base = { name: 'browser', label: 'OAuth 2.0 test server (generic OAuth2), public client' };
  let error = null;

  const pending = sessionStorage.getItem(PENDING);
  if (isPureCallback && pending) {
    sessionStorage.removeItem(PENDING);
    history.replaceState(null, '', location.pathname);
    try {
      const { state, codeVerifier } = JSON.parse(pending);
      const { code } = provider.parseCallback(initialUrl, { state });
      await session.save(await provider.exchangeCode(code, { codeVerifier }));
    } catch (e) {
      error = e?.code ?? 'invalid_callback';
    }
  }

  async function show(note) {
    const stored = store.get(TOKENS_KEY);
    if (!stored) {
      const connect = h('button', { type: 'button', class: 'primary', 'data-role': 'connect' }, 'Connect the OAuth 2.0 server in the browser');
      connect.addEventListener('click', () => {
        const req = provider.createAuthorizationRequest({ scopes: ['profile'] });
        sessionStorage.setItem(PENDING, JSON.stringify({ state: req.state, codeVerifier: req.codeVerifier }));
        location.assign(req.url);
      });
      root.replaceChildren(cardShell({ ...base, connected: false },
        h('p', { class: 'meta' }, 'Authorization code + PKCE as a public client of a server that documents them (generic ', h('code', {}, 'OAuth2'), ' provider): no secret, no server in between.'),
        error ? alertBox(error) : null,
        h('div', { class: 'actions' }, connect)));
      return;
    }
    const tokens = lib.TokenSet.deserialize(stored);
    const [who, whoRow] = whoBox();
    const refresh = h('button', { type: 'button', 'data-role': 'refresh', disabled: !tokens.refreshToken }, 'Refresh');
    const logout = h('button', { type: 'button', 'data-role': 'logout' }, 'Log out');
    root.replaceChildren(cardShell({ ...base, connected: true, method: 'oauth' },
      h('dl', { class: 'facts' },
        whoRow,
        h('div', {}, h('dt', {}, 'Access token expires in'), h('dd', {}, expiryOf(tokens.expiresAt))),
        h('div', {}, h('dt', {}, 'Tokens stored in'), h('dd', {}, h('code', {}, 'sessionStorage')))),
      h('div', { 'data-role': 'note' }, note ? noteBox(note) : null, error ? alertBox(error) : null),
      h('div', { class: 'actions' }, refresh, logout)));
    refresh.addEventListener('click', async () => {
      refresh.disabled = true;
      try {
        await session.save(await provider.refresh(tokens.refreshToken));
        error = null;
        await show(`Refreshed at ${new Date().toLocaleTimeString()}: a new access token was issued.`);
      } catch (e) {
        error = e?.code ?? 'network_error';
        await show();
      }
    });
    logout.addEventListener('click', async () => {
      await session.logout().catch(() => store.delete(TOKENS_KEY));
      error = null;
      await show();
    });
    try {
      const res = await session.fetch('/userinfo');
      showIdentity(who, res.ok ? await res.json() : null, `http_${res.status}`);
    } catch (e) {
      showIdentity(who, null, e?.code ?? 'network_error');
    }
  }
  await show();
}

setInterval(tick, 1000);
loadProviders();
loadPure().catch(() => {
  $('#pure').replaceChildren(alertBox('invalid_response', '(the browser build could not be loaded)'));
});
