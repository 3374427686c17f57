import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { type JWTPayload, SignJWT, createRemoteJWKSet, jwtVerify } from 'jose';
import { email as emailAddress } from '../contracts/fields';
import type { Config } from '../config';
import { Refusal } from './errors';
import { type Role, roleBook } from './roles';

/** The issuer officeflow's own tokens name, when no company issuer is configured. */
export const OWN_ISSUER = 'officeflow';

/** A signed-in person, as the token says, and the roles the company gives them (see roles.ts). */
export interface Person {
  email: string;
  roles: Role[];
}

/** Who sent a request, from its `Authorization: Bearer` token; refuses with 401 when there is none or it is not valid. */
export type Authenticate = (authorization: string | undefined) => Promise<Person>;

/** A new signing key for officeflow's own tokens: an Ed25519 private key as a JWK. */
export const generateIdentityKey = (): string => JSON.stringify(generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }));

const privateKey = (identityKey: string) => createPrivateKey({ key: JSON.parse(identityKey), format: 'jwk' });

/**
 * Verifies bearer tokens: against the company's OpenID Connect issuer (its JWKS) when OIDC_ISSUER is set, otherwise
 * against officeflow's own key. The person is the e-mail address in OIDC_EMAIL_CLAIM; their roles come from
 * configuration and the groups in OIDC_ROLES_CLAIM.
 */
export function authenticator(config: Config): Authenticate {
  const rolesOf = roleBook(config);
  const expected = { issuer: config.OIDC_ISSUER ?? OWN_ISSUER, audience: config.OIDC_AUDIENCE };
  let verify: (token: string) => Promise<{ payload: JWTPayload }>;
  if (config.OIDC_ISSUER) {
    const keys = createRemoteJWKSet(new URL(config.OIDC_JWKS_URL!));
    verify = (token) => jwtVerify(token, keys, expected);
  } else {
    if (!config.OFFICEFLOW_IDENTITY_KEY)
      throw new Error('set OIDC_ISSUER, or OFFICEFLOW_IDENTITY_KEY for officeflow to sign tokens itself');
    const key = createPublicKey(privateKey(config.OFFICEFLOW_IDENTITY_KEY));
    verify = (token) => jwtVerify(token, key, { ...expected, algorithms: ['EdDSA'] });
  }
  return async (authorization) => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) throw new Refusal(401, 'unauthenticated', 'sign in first: send your token as "Authorization: Bearer <token>"');
    let payload: JWTPayload;
    try {
      ({ payload } = await verify(token));
    } catch (error) {
      throw new Refusal(401, 'unauthenticated', `the token was refused: ${(error as Error).message}`);
    }
    const email = emailAddress.safeParse(payload[config.OIDC_EMAIL_CLAIM]);
    if (!email.success || payload.email_verified === false) {
      throw new Refusal(401, 'unauthenticated', `the token carries no verified e-mail address in "${config.OIDC_EMAIL_CLAIM}"`);
    }
    const address = email.data.toLowerCase();
    return { email: address, roles: rolesOf(address, payload) };
  };
}

/** A short-lived token of officeflow's own issuer for a person: what the CLI sends for `--as`, and tests. */
export function issueToken(identityKey: string, email: string, audience: string, lifetime = '15 minutes'): Promise<string> {
  return new SignJWT({ email })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setIssuer(OWN_ISSUER)
    .setAudience(audience)
    .setSubject(email)
    .setIssuedAt()
    .setExpirationTime(lifetime)
    .sign(privateKey(identityKey));
}
