import { Signature } from '@hubspot/api-client';
import { hubspotSignature, signedUri, verifyHubSpot } from '../../web/sources/hubspot-signature';

// officeflow's check of HubSpot's v3 webhook signature, against HubSpot's own SDK helper.
const secret = 'app-client-secret';
const uri = 'https://officeflow.example.com/sources/hubspot';
const body = JSON.stringify([{ eventId: 1, subscriptionType: 'deal.propertyChange', objectId: 42, propertyName: 'dealstage' }]);
const request = (signature: string, timestamp: number, at = uri) => ({
  method: 'POST',
  uri: at,
  body,
  headers: { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(timestamp) },
});

describe("HubSpot's v3 webhook signature", () => {
  it('verifies what HubSpot’s SDK signs, and the SDK accepts what officeflow computes', () => {
    const timestamp = Date.now();
    const signed = Signature.getSignature('POST', 'v3', { clientSecret: secret, url: uri, requestBody: body, timestamp, signature: '' });
    expect(() => verifyHubSpot([secret], request(signed, timestamp))).not.toThrow();
    const ours = hubspotSignature(secret, 'POST', uri, body, String(timestamp));
    expect(
      Signature.isValid({ signatureVersion: 'v3', signature: ours, clientSecret: secret, url: uri, requestBody: body, timestamp }),
    ).toBe(true);
  });

  it('takes the old secret beside the new one while the app’s secret is rotated', () => {
    const timestamp = Date.now();
    const signed = hubspotSignature('old-secret', 'POST', uri, body, String(timestamp));
    expect(() => verifyHubSpot(['new-secret', 'old-secret'], request(signed, timestamp))).not.toThrow();
    expect(() => verifyHubSpot(['new-secret'], request(signed, timestamp))).toThrow(/does not match/);
  });

  it('refuses a changed body, another URL, a stale or missing timestamp', () => {
    const timestamp = Date.now();
    const signed = hubspotSignature(secret, 'POST', uri, body, String(timestamp));
    expect(() => verifyHubSpot([secret], { ...request(signed, timestamp), body: body.replace('42', '43') })).toThrow(/does not match/);
    expect(() => verifyHubSpot([secret], request(signed, timestamp, `${uri}?x=1`))).toThrow(/does not match/);
    const stale = Date.now() - 5 * 60_000 - 1_000;
    expect(() => verifyHubSpot([secret], request(hubspotSignature(secret, 'POST', uri, body, String(stale)), stale))).toThrow(
      /five minutes/,
    );
    expect(() => verifyHubSpot([secret], { ...request(signed, timestamp), headers: {} })).toThrow(/missing/);
  });

  it('signs the URI with the characters HubSpot decodes, decoded', () => {
    expect(signedUri('https://x.example/sources/hubspot?a=b%3Ac%2Fd%40e%2Cf%20g')).toBe(
      'https://x.example/sources/hubspot?a=b:c/d@e,f%20g',
    );
  });
});
