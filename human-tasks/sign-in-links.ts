import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { linkKey } from '../codec/decision-links';

const AUDIENCE = 'officeflow-sign-in';

/** How long a sign-in link works, as its e-mail says. */
export const LINK_LIFETIME = '15 minutes';

/** What a sign-in link says: who it signs in, its id (spent on first use), and until when it works. */
export interface SignInLink {
  person: string;
  linkId: string;
  expiresAt: Date;
}

/** Signs and reads the links the inbox e-mails to sign people in, with a key of their own derived from the shared one. */
export function signInLinks(encryptionKeys: string, publicUrl: string) {
  const key = linkKey(encryptionKeys, 'sign-in links');
  return {
    async url(person: string): Promise<string> {
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(person)
        .setAudience(AUDIENCE)
        .setJti(randomUUID())
        .setExpirationTime(LINK_LIFETIME)
        .sign(key);
      return new URL(`/inbox/sign-in/${token}`, publicUrl).href;
    },

    /** The link's person, id and expiry; undefined when it was changed, cut short or has expired. */
    read: (token: string): Promise<SignInLink | undefined> =>
      jwtVerify(token, key, { audience: AUDIENCE, algorithms: ['HS256'], requiredClaims: ['sub', 'jti', 'exp'] }).then(
        ({ payload }) => ({ person: payload.sub!, linkId: payload.jti!, expiresAt: new Date(payload.exp! * 1000) }),
        () => undefined,
      ),
  };
}
