// Agile CRM ({domain}.agilecrm.com): authorization code under /oauth/*, and the token endpoint
// takes JSON as well as form bodies. API under /dev/api with a Bearer token or, what real
// integrations use, Basic email:REST_API_KEY. Answers XML unless Accept asks for JSON, and
// 204 (empty) for a record that does not exist.
import { codeProvider, bearerUser } from '../oauth.js';
import { parseBasic, safeEqual, escapeHtml } from '../http.js';
import { USER, API_KEY } from '../state.js';

function userOf(ctx) {
  const basic = parseBasic(ctx.req.headers.authorization, { formEncoded: false });
  if (basic) return basic.id === USER.email && safeEqual(basic.secret, API_KEY) ? USER : null;
  return bearerUser(ctx);
}

const contactOf = (user) => ({
  id: user.id,
  type: 'PERSON',
  properties: [
    { type: 'SYSTEM', name: 'first_name', value: user.name.split(' ')[0] },
    { type: 'SYSTEM', name: 'last_name', value: user.name.split(' ').slice(1).join(' ') },
    { type: 'SYSTEM', name: 'email', value: user.email },
  ],
});

const toXml = (c) =>
  `<?xml version="1.0" encoding="UTF-8"?><contact><id>${c.id}</id><type>${c.type}</type>` +
  c.properties.map((p) => `<properties><name>${p.name}</name><value>${escapeHtml(p.value)}</value></properties>`).join('') +
  '</contact>';

function contact(ctx) {
  const user = userOf(ctx);
  if (!user) return { status: 401, headers: { 'www-authenticate': 'Basic realm="agilecrm"', 'content-type': 'text/plain' }, body: 'Unauthorized' };
  if (Number(ctx.match[1]) !== user.id) return { status: 204, headers: {}, body: '' };
  const c = contactOf(user);
  if (!/application\/json/i.test(ctx.req.headers.accept || '')) // XML is the default
    return { status: 200, headers: { 'content-type': 'application/xml' }, body: toXml(c) };
  return { status: 200, headers: {}, body: c };
}

export default codeProvider({
  name: 'agilecrm',
  title: 'Agile CRM',
  acceptsJsonBody: true,
  api: [{ path: /^\/dev\/api\/contacts\/(\d+)$/, GET: contact }],
});
