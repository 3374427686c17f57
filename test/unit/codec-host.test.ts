import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { defaultPayloadConverter } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { EncryptionCodec } from '../../codec/encryption-codec';
import { toJson } from '../../codec/json-payloads';
import { localPort } from '../../infra/ports';
import { buildCodecServer } from '../../web/codec';
import { hostsOfListener } from '../../web/listener-hosts';

/**
 * The codec endpoint over real HTTP, as a page in an operator's browser reaches it: it decrypts for the Temporal UI's
 * origin, and for a program that names it by its own name; a page that had its own name resolve to 127.0.0.1 (DNS
 * rebinding) or a page of another origin gets a refusal, never the plaintext.
 */
const codec = new EncryptionCodec(randomBytes(32));
const uiUrl = 'http://127.0.0.1:8233';
let server: FastifyInstance;
let port: number;
let sealed: string;
beforeAll(async () => {
  port = await localPort(0, 'CODEC_PORT');
  server = buildCodecServer({ codec, uiUrl, hosts: hostsOfListener('127.0.0.1', port) }, pino({ level: 'silent' }));
  await server.listen({ host: '127.0.0.1', port });
  const [payload] = await codec.encode([defaultPayloadConverter.toPayload({ contactName: 'Maria Anders' })!]);
  sealed = JSON.stringify({ payloads: [toJson(payload)] });
});
afterAll(() => server.close());

/** A decode request to 127.0.0.1 with exactly these headers: `fetch` would not send the Host a rebound page sends. */
function decode(headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/codec/decode', headers: { 'content-type': 'application/json', ...headers } },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, text }));
      },
    );
    request.on('error', reject);
    request.end(sealed);
  });
}

const plaintext = (text: string) => Buffer.from(JSON.parse(text).payloads[0].data, 'base64').toString();

it('decrypts for the Temporal UI’s origin, and for a program that sends no Origin, when addressed by its own name', async () => {
  const fromUi = await decode({ host: `127.0.0.1:${port}`, origin: 'http://localhost:8233' });
  expect(fromUi.status).toBe(200);
  expect(fromUi.headers['access-control-allow-origin']).toBe('http://localhost:8233');
  expect(JSON.parse(plaintext(fromUi.text))).toEqual({ contactName: 'Maria Anders' });

  const fromCurl = await decode({ host: `localhost:${port}` });
  expect(fromCurl.status).toBe(200);
  expect(plaintext(fromCurl.text)).toContain('Maria Anders');
});

it('refuses a request under another name (a DNS-rebound page, same-origin under its own name) with 403, decrypting nothing', async () => {
  for (const host of [`evil.example:${port}`, 'evil.example:8081', `0.0.0.0:${port}`]) {
    const rebound = await decode({ host, origin: `http://${host}` });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.text)).toMatchObject({ error: 'unknown_host' });
    expect(rebound.text).not.toContain('Maria');
    expect((await decode({ host })).status).toBe(403);
  }
});

it('refuses a page of another origin with 403, decrypting nothing', async () => {
  for (const origin of ['http://evil.example', 'null', 'http://127.0.0.1:9999']) {
    const foreign = await decode({ host: `127.0.0.1:${port}`, origin });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.text)).toMatchObject({ error: 'foreign_origin' });
    expect(foreign.text).not.toContain('Maria');
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  }
});

it('answers as its own address, and as the loopback names when it listens on loopback or on every interface', () => {
  expect(hostsOfListener('127.0.0.1', 8081)).toEqual(['127.0.0.1:8081', 'localhost:8081', '[::1]:8081']);
  expect(hostsOfListener('0.0.0.0', 8081)).toEqual(['localhost:8081', '127.0.0.1:8081', '[::1]:8081']);
  expect(hostsOfListener('10.1.2.3', 8081)).toEqual(['10.1.2.3:8081']);
  expect(hostsOfListener('Codec.Example.com', 443)).toEqual(['codec.example.com:443']);
});
