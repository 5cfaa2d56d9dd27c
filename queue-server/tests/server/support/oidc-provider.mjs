// A certified OpenID provider (panva's oidc-provider) for Lotse's directory-login tests.
// Usage: node oidc-provider.mjs PORT KEYS_DIR KIDS REDIRECT_URI POST_LOGOUT_URI
// KIDS: signing key ids, the first signs; each key is made once and kept in KEYS_DIR, so a
// restart with "b,a" after "a" is a key rotation. Who logs in at the provider's interaction
// is set by the test: POST /test/user/NAME; a user's groups: POST /test/groups/NAME?g=A,B.
// POST /test/sign (JSON claims) signs a token with the current key, for the tests of the
// ID-token checks.
import { createServer } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const [port, keysDir, kids, redirectUri, postLogoutUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

function key(kid) {
  const file = `${keysDir}/${kid}.json`;
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(file, JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }));
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}
const keys = kids.split(',').map(key);

const groups = {
  anna: ['lotse-abh'],
  lea: ['lotse-leads'],
  kurt: ['canteen'],
};
let nextUser = 'anna';

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'lotse',
    client_secret: 'lotse-client-secret',
    redirect_uris: [redirectUri],
    post_logout_redirect_uris: [postLogoutUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  }],
  jwks: { keys },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  scopes: ['openid', 'offline_access', 'profile', 'groups'],
  claims: { openid: ['sub'], profile: ['preferred_username'], groups: ['groups'] },
  conformIdTokenClaims: false,
  issueRefreshToken: async () => true,
  cookies: { keys: ['lotse-test-cookie-key'] },
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, preferred_username: id, groups: groups[id] ?? [] }),
  }),
});

// The interaction: the user the test chose logs in and consents to everything asked.
async function interact(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    return provider.interactionFinished(req, res, { login: { accountId: nextUser } }, { mergeWithLastSubmission: false });
  }
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
  const missing = details.prompt.details;
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  if (missing.missingResourceScopes) {
    for (const [indicator, scope] of Object.entries(missing.missingResourceScopes)) {
      grant.addResourceScope(indicator, scope.join(' '));
    }
  }
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

async function sign(req, res) {
  let body = '';
  for await (const chunk of req) body += chunk;
  const claims = JSON.parse(body);
  const current = await jose.importJWK(keys[0], 'RS256');
  const token = await new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: keys[0].kid })
    .sign(current);
  res.end(token);
}

const callback = provider.callback();
createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (url.pathname.startsWith('/interaction/')) return await interact(req, res);
    if (req.method === 'POST' && url.pathname.startsWith('/test/user/')) {
      nextUser = url.pathname.slice('/test/user/'.length);
      return res.end('ok');
    }
    if (req.method === 'POST' && url.pathname.startsWith('/test/groups/')) {
      const g = url.searchParams.get('g');
      groups[url.pathname.slice('/test/groups/'.length)] = g ? g.split(',') : [];
      return res.end('ok');
    }
    if (req.method === 'POST' && url.pathname === '/test/sign') return await sign(req, res);
    return callback(req, res);
  } catch (error) {
    res.statusCode = 500;
    res.end(String(error));
  }
}).listen(Number(port), '127.0.0.1', () => console.log(`listening on ${issuer}`));
