// The one way across the boundary of the calls that read untrusted text
// (pkg-template/spans.js + src/bindings/spans.rs): input goes through the wasm's
// input buffer; for ASCII input results come back as positions in the caller's
// own string ("fast path"), else as text or error JSON in the output buffer
// ("fallback").
// Each case states the expected values independently (URLSearchParams,
// JSON.parse) and runs through the packed package, so a wrong span, a stale
// memory view or a broken fallback fails here.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadPackage } from './helpers/pkg.js';

const { OAuth2, TokenSet, CrmAuthError } = await loadPackage();

const STATE = 'Xq3v0Jm1oY7kz2WcR8tBn4LpA6sD9fGhK5jE0uIyT1w';
const REDIRECT = 'https://app.example/callback';

function client(body, status = 200) {
  return new OAuth2({
    authorizationEndpoint: 'https://as.example/authorize',
    tokenEndpoint: 'https://as.example/token',
    clientId: 'c', clientSecret: 's', redirectUri: REDIRECT,
    fetch: async () => new Response(body, { status, headers: { 'content-type': 'application/json' } }),
  });
}

const stored = (fields) => JSON.stringify({ v: 1, token_type: 'Bearer', expires_at: null, refresh_token: null, scope: null, ...fields });

function fieldsOf(t) {
  return { accessToken: t.accessToken, tokenType: t.tokenType, expiresAt: t.expiresAt, refreshToken: t.refreshToken, scopes: t.scopes };
}

describe('TokenSet.deserialize: fast path and fallback agree with the stored JSON', () => {
  const cases = [
    ['plain ASCII', { access_token: 'at_' + 'A1b2'.repeat(10), refresh_token: 'rt_1', expires_at: 1795447148460, scope: 'read write' }],
    ['no optional fields', { access_token: 'a' }],
    ['non-ASCII scope (fallback)', { access_token: 'tok', refresh_token: 'r', scope: 'lés 😀' }],
    ['escaped characters (fallback)', { access_token: 'a"b\\c/', token_type: 'bEaReR' }],
    ['scope with tabs and runs of spaces (fallback)', { access_token: 'a', scope: ' read\twrite  admin\n' }],
    ['empty scope', { access_token: 'a', scope: '' }],
    ['token at the very end', { access_token: 'x'.repeat(70000), refresh_token: 'y'.repeat(3) }],
  ];
  for (const [name, fields] of cases) {
    it(name, () => {
      const s = stored(fields);
      const j = JSON.parse(s);
      const expected = {
        accessToken: j.access_token,
        tokenType: j.token_type,
        expiresAt: j.expires_at,
        refreshToken: j.refresh_token,
        scopes: j.scope === null ? null : j.scope.split(/[ \t\n\f\r]+/).filter(Boolean),
      };
      assert.deepEqual(fieldsOf(TokenSet.deserialize(s)), expected);
      // And again after the wasm memory has grown (views over it are renewed).
      TokenSet.deserialize(stored({ access_token: 'g'.repeat(3_000_000) }));
      assert.deepEqual(fieldsOf(TokenSet.deserialize(s)), expected);
    });
  }

  it('refuses what is not a stored set, through either path', () => {
    // Tokens that cannot go in a header, and token types other than Bearer, are refused too.
    const unsendable = [stored({ access_token: 'tök€n' }), stored({ access_token: 'a\r\nb' }), stored({ access_token: 'a', refresh_token: 'r\u0000' }), stored({ access_token: 'a', token_type: 'DPoP' })];
    // Laid out exactly as serialize() writes (read without the JSON parser), still checked.
    const written = (v, at, type, expires = 'null', rest = ',"refresh_token":null,"scope":null}') =>
      `{"v":${v},"access_token":${at},"token_type":${type},"expires_at":${expires}${rest}`;
    const asWritten = [written(2, '"a"', '"Bearer"'), written(1, '""', '"Bearer"'), written(1, '"a"', '"DPoP"'), written(1, '"tök"', '"Bearer"'),
      written(1, '"a"', '"Bearer"', '"1"'), written(1, '"a"', '"Bearer"', '01'), written(1, '"a"', '"Bearer"', 'null', ',"refresh_token":1,"scope":null}'),
      written(1, '"a"', '"Bearer"', 'null', ',"refresh_token":null,"scope":null,"api_base":"http://h.example"}'),
      written(1, '"a"', '"Bearer"', 'null', ',"refresh_token":null,"scope":null'), written(1, '"a\u0001"', '"Bearer"')];
    assert.equal(TokenSet.deserialize(written(1, '"a"', '"Bearer"')).accessToken, 'a');
    for (const bad of ['', '{}', '{"v":2,"access_token":"a","token_type":"B"}', stored({ access_token: '' }), '{"v":1,"access_token":"é"', 'null', ...unsendable, ...asWritten]) {
      assert.throws(() => TokenSet.deserialize(bad), (e) => e instanceof CrmAuthError && e.code === 'invalid_argument', bad);
    }
  });

  it('round-trips serialize() for 500 random token sets', () => {
    let seed = 7;
    const rnd = (n) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    const ascii = [...'abcXYZ019-._~+/=%&"\\ ']; // tokens go in headers: printable ASCII only
    const alphabet = [...ascii, ...'é€😀\t']; // code points, not UTF-16 units
    const word = (min, from = alphabet) => Array.from({ length: min + rnd(12) }, () => from[rnd(from.length)]).join('');
    for (let i = 0; i < 500; i++) {
      const t = new TokenSet({
        accessToken: word(1, ascii),
        tokenType: rnd(2) ? 'Bearer' : ['bearer', 'BEARER', 'BeArEr'][rnd(3)],
        refreshToken: rnd(2) ? word(1, ascii) : undefined,
        expiresAt: rnd(2) ? 1_700_000_000_000 + rnd(1e9) : undefined,
        scopes: rnd(2) ? [word(1), word(1)].map((w) => w.replace(/\s/g, '')).filter(Boolean) : undefined,
      });
      assert.deepEqual(fieldsOf(TokenSet.deserialize(t.serialize())), fieldsOf(t));
    }
  });
});

describe('parseCallback: fast path and fallback agree with URLSearchParams', () => {
  const c = client('{}');
  const codes = ['SplxlOBeZQQYbYS6WxSbIA', 'a%2Bb+c%20d', 'x', 'c%C3%A9', 'é😀', 'a'.repeat(5000)];
  for (const code of codes) {
    it(`code ${JSON.stringify(code.slice(0, 20))}`, () => {
      for (const url of [`${REDIRECT}?code=${code}&state=${STATE}`, `${REDIRECT}?state=${STATE}&code=${code}#frag`, `${REDIRECT}#code=${code}&state=${STATE}`]) {
        const params = new URLSearchParams(url.includes('?') ? url.split('?')[1].split('#')[0] : url.split('#')[1]);
        assert.deepEqual(c.parseCallback(url, { state: STATE }), { code: params.get('code'), state: STATE }, url);
        assert.deepEqual(c.parseCallback(new URL(url), { state: STATE }).code, new URL(url).searchParams.get('code') ?? params.get('code'));
      }
    });
  }

  it('still checks state, errors and repeats on the fast path', () => {
    const code = (url, state = STATE) => {
      try {
        c.parseCallback(url, { state });
        return 'ok';
      } catch (e) {
        assert.ok(e instanceof CrmAuthError);
        return e.code;
      }
    };
    assert.equal(code(`${REDIRECT}?code=a&state=${STATE}x`), 'state_mismatch');
    assert.equal(code(`${REDIRECT}?code=a&state=${STATE}`, 'é'), 'state_mismatch');
    assert.equal(code(`${REDIRECT}?code=a`), 'state_mismatch');
    assert.equal(code(`${REDIRECT}?error=access_denied&state=${STATE}`), 'authorization_denied');
    assert.equal(code(`${REDIRECT}?code=a&code=b&state=${STATE}`), 'invalid_callback');
    assert.equal(code(`${REDIRECT}?code=%FF&state=${STATE}`), 'invalid_callback');
    assert.equal(code(`${REDIRECT}?code=&state=${STATE}`), 'invalid_callback');
    assert.equal(code(REDIRECT), 'invalid_callback');
  });
});

describe('exchangeCode: token answers through the fast path and the fallback', () => {
  const answers = [
    ['standard', { access_token: 'at_1', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt_1', scope: 'read write' }],
    ['no token_type (Bearer)', { access_token: 'at_1' }],
    ['numeric string expires_in', { access_token: 'at_1', expires_in: '60' }],
    ['non-ASCII member elsewhere (fallback)', { access_token: 'at_1', note: 'héllo', scope: 'a' }],
    ['escaped token (fallback)', { access_token: 'at\\u00e9\\"1', refresh_token: 'r' }],
    ['scope array (fallback)', { access_token: 'at_1', scope: ['a b', 'c'] }],
    ['scope with tabs (fallback)', { access_token: 'at_1', scope: 'a\tb' }],
  ];
  for (const [name, body] of answers) {
    it(name, async () => {
      const before = Date.now();
      const t = await client(JSON.stringify(body)).exchangeCode('code');
      const j = JSON.parse(JSON.stringify(body));
      assert.equal(t.accessToken, j.access_token);
      assert.equal(t.tokenType, j.token_type ?? 'Bearer');
      assert.equal(t.refreshToken, j.refresh_token ?? null);
      const scopes = j.scope === undefined ? null : [j.scope].flat().join(' ').split(/\s+/).filter(Boolean);
      assert.deepEqual(t.scopes, scopes);
      if (j.expires_in === undefined) assert.equal(t.expiresAt, null);
      else assert.ok(t.expiresAt >= before + Number(j.expires_in) * 1000 - 1 && t.expiresAt <= Date.now() + Number(j.expires_in) * 1000 + 1);
    });
  }

  it('errors inside a 2xx and malformed answers keep their codes', async () => {
    const fails = async (body, status = 200) => (await client(body, status).exchangeCode('code').catch((e) => e)).code;
    assert.equal(await fails('{"error":"invalid_grant"}'), 'oauth_error');
    assert.equal(await fails('{"access_token":""}'), 'invalid_response');
    assert.equal(await fails('{"access_token":"a","expires_in":"soon"}'), 'invalid_response');
    assert.equal(await fails('<html>'), 'invalid_response');
    assert.equal(await fails('{"access_token":"a"} trailing'), 'invalid_response');
  });
});

describe('refresh and error answers take the same one way across the boundary (issue 12)', () => {
  it('a refresh answer without refresh_token keeps the old one, ASCII or not', async () => {
    for (const scope of ['read', 'lés 😀']) {
      const t = await client(JSON.stringify({ access_token: 'at_2', scope })).refresh('rt_old');
      assert.deepEqual([t.accessToken, t.refreshToken, t.scopes], ['at_2', 'rt_old', scope.split(' ')]);
    }
    const rotated = await client(JSON.stringify({ access_token: 'at_3', refresh_token: 'rt_new' })).refresh('rt_old');
    assert.equal(rotated.refreshToken, 'rt_new');
  });

  it('errors with non-ASCII text and Retry-After come back whole', async () => {
    await assert.rejects(client(JSON.stringify({ error: 'invalid_grant', error_description: 'refusé 😀' }), 400).refresh('rt_old'),
      (e) => e instanceof CrmAuthError && e.code === 'oauth_error' && e.errorDescription === 'refusé 😀');
    const limited = new OAuth2({
      authorizationEndpoint: 'https://as.example/authorize', tokenEndpoint: 'https://as.example/token',
      clientId: 'c', clientSecret: 's', redirectUri: REDIRECT,
      fetch: async () => new Response('', { status: 429, headers: { 'retry-after': '7' } }),
    });
    await assert.rejects(limited.exchangeCode('code'), (e) => e instanceof CrmAuthError && e.code === 'rate_limited' && e.retryAfter === 7);
  });
});
