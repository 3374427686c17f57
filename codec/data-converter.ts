import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './encryption-codec';

/**
 * The one data converter every client and worker uses: JSON payloads, encrypted.
 * `encryptionKeys` is a comma-separated list: the first key encrypts, the others still decrypt (key rotation).
 */
export function dataConverter(encryptionKeys: string): DataConverter {
  return { payloadCodecs: [encryptionCodec(encryptionKeys)] };
}

export function encryptionCodec(encryptionKeys: string): EncryptionCodec {
  const [current, ...previous] = encryptionKeys.split(',').map((key) => Buffer.from(key.trim(), 'base64'));
  return new EncryptionCodec(current, previous);
}
