import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './encryption-codec';

/** Where the failure converter is: workers load it by path, and the workflow bundle must include it. */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/**
 * The one data converter every client and worker uses: JSON payloads, encrypted, and failures' messages and stack
 * traces encrypted with them (a portal's validation message may quote a person's name).
 * `encryptionKeys` is a comma-separated list: the first key encrypts, the others still decrypt (key rotation).
 */
export function dataConverter(encryptionKeys: string): DataConverter {
  return {
    payloadCodecs: [encryptionCodec(encryptionKeys)],
    failureConverterPath: FAILURE_CONVERTER_PATH,
  };
}

export function encryptionCodec(encryptionKeys: string): EncryptionCodec {
  const [current, ...previous] = encryptionKeys.split(',').map((key) => Buffer.from(key.trim(), 'base64'));
  return new EncryptionCodec(current, previous);
}
