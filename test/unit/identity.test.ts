import { generateKeyPairSync } from 'node:crypto';
import Fastify from 'fastify';
import { SignJWT, exportJWK } from 'jose';
import { loadConfig } from '../../config';
import { Refusal } from '../../web/errors';
import { authenticator, generateIdentityKey, issueToken } from '../../web/identity';

describe('sign-in with the company’s OpenID Connect issuer', () => {
  // A stand-in for the company's issuer: it publishes its public key as a JWKS over HTTP and signs RS256 tokens.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const issuer = Fastify();
  const issuerUrl = 'https://login.example.com/';
  let authenticate: ReturnType<typeof authenticator>;
  let jwksUrl: string;
  beforeAll(async () => {
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    issuer.get('/jwks', async () => ({ keys: [jwk] }));
    const url = await issuer.listen({ host: '127.0.0.1', port: 0 });
    jwksUrl = url;
    authenticate = authenticator(loadConfig({ OIDC_ISSUER: issuerUrl, OIDC_JWKS_URL: `${url}/jwks`, OIDC_EMAIL_CLAIM: 'upn' }));
  });
  afterAll(() => issuer.close());

  const token = (claims: Record<string, unknown>, { audience = 'officeflow', from = issuerUrl } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(from)
      .setAudience(audience)
      .setExpirationTime('5m')
      .sign(privateKey);
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error as Refusal,
    );

  it('takes the person from the configured claim', async () => {
    expect(await authenticate(`Bearer ${await token({ upn: 'Credit.Control@Officeflow.example' })}`)).toEqual({
      email: 'credit.control@officeflow.example',
      roles: [],
    });
  });

  it('gives roles from the groups claim and from configuration by address', async () => {
    const withRoles = authenticator(
      loadConfig({
        OIDC_ISSUER: issuerUrl,
        OIDC_JWKS_URL: `${jwksUrl}/jwks`,
        OIDC_EMAIL_CLAIM: 'upn',
        OIDC_ROLE_GROUPS: 'it-ops=operator,legal-ops=owner:contract-approval',
        OFFICEFLOW_AUDITORS: 'Audit@Officeflow.example',
      }),
    );
    const person = async (claims: Record<string, unknown>) => (await withRoles(`Bearer ${await token(claims)}`)).roles;
    expect(await person({ upn: 'ops@officeflow.example', groups: ['it-ops', 'legal-ops', 'sales'] })).toEqual([
      'operator',
      'owner:contract-approval',
    ]);
    expect(await person({ upn: 'audit@officeflow.example', groups: 'it-ops' })).toEqual(['auditor']);
    expect(await person({ upn: 'someone@officeflow.example' })).toEqual([]);
  });

  it('refuses a role that is none of officeflow’s, naming the setting', () => {
    expect(() => loadConfig({ OIDC_ROLE_GROUPS: 'it-ops=admin' })).toThrow(/OIDC_ROLE_GROUPS/);
    expect(() => loadConfig({ OFFICEFLOW_PROCESS_OWNERS: 'contract-approval' })).toThrow(/OFFICEFLOW_PROCESS_OWNERS/);
  });

  it('refuses another audience, another issuer, an unverified address or no address, with 401', async () => {
    for (const wrong of [
      await token({ upn: 'a@officeflow.example' }, { audience: 'someone-else' }),
      await token({ upn: 'a@officeflow.example' }, { from: 'https://evil.example/' }),
      await token({ upn: 'a@officeflow.example', email_verified: false }),
      await token({ email: 'a@officeflow.example' }),
      await issueToken(generateIdentityKey(), 'a@officeflow.example', 'officeflow'),
    ]) {
      expect(await refusal(authenticate(`Bearer ${wrong}`))).toMatchObject({ status: 401 });
    }
    expect(await refusal(authenticate(undefined))).toMatchObject({ status: 401 });
  });
});
