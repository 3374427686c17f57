import { Webhook } from 'standardwebhooks';
import { Unauthorized, generateWebhookSecret, signWebhook, verifyWebhook } from '../../web/events/webhook-auth';

const body = '{"specversion":"1.0"}';

describe('Standard Webhooks verification', () => {
  const current = generateWebhookSecret();
  const previous = generateWebhookSecret();

  it('accepts a body signed with any active secret, so keys can rotate', () => {
    expect(() => verifyWebhook([current, previous], body, signWebhook(current, body, 'msg_1'))).not.toThrow();
    expect(() => verifyWebhook([current, previous], body, signWebhook(previous, body, 'msg_2'))).not.toThrow();
  });

  it('refuses a retired secret, a changed body, a changed id and missing headers', () => {
    expect(() => verifyWebhook([current], body, signWebhook(previous, body, 'msg_1'))).toThrow(Unauthorized);
    expect(() => verifyWebhook([current], body + ' ', signWebhook(current, body, 'msg_1'))).toThrow(Unauthorized);
    expect(() => verifyWebhook([current], body, { ...signWebhook(current, body, 'msg_1'), 'webhook-id': 'msg_2' })).toThrow(Unauthorized);
    expect(() => verifyWebhook([current], body, {})).toThrow('missing header(s): webhook-id, webhook-timestamp, webhook-signature');
  });

  it('takes any of several space-separated signatures, ignoring other versions and malformed ones', () => {
    const signed = signWebhook(current, body, 'msg_1');
    const others = `v2,${signWebhook(current, body, 'msg_1')['webhook-signature'].slice(3)} v1,short v1,!!`;
    const stranger = signWebhook(previous, body, 'msg_1')['webhook-signature'];
    expect(() =>
      verifyWebhook([current], body, { ...signed, 'webhook-signature': `${others} ${stranger} ${signed['webhook-signature']}` }),
    ).not.toThrow();
    expect(() => verifyWebhook([current], body, { ...signed, 'webhook-signature': `${others} ${stranger}` })).toThrow(
      /no matching signature/,
    );
  });

  it("speaks the reference library's Standard Webhooks: each side verifies what the other signed", () => {
    const at = new Date();
    const theirs = {
      'webhook-id': 'msg_ref',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(current).sign('msg_ref', at, body),
    };
    expect(() => verifyWebhook([current], body, theirs)).not.toThrow();
    expect(() => new Webhook(current).verify(body, signWebhook(current, body, 'msg_ours'), { jsonParse: false })).not.toThrow();
  });

  it('refuses timestamps more than five minutes off', () => {
    const sixMinutes = 6 * 60_000;
    expect(() => verifyWebhook([current], body, signWebhook(current, body, 'm', new Date(Date.now() - sixMinutes)))).toThrow(/too old/);
    expect(() => verifyWebhook([current], body, signWebhook(current, body, 'm', new Date(Date.now() + sixMinutes)))).toThrow(/too new/);
    expect(() => verifyWebhook([current], body, signWebhook(current, body, 'm', new Date(Date.now() - 4 * 60_000)))).not.toThrow();
  });
});
