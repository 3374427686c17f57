import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec } from '../../codec/encryption-codec';

const payload = defaultPayloadConverter.toPayload({ billingEmail: 'maria@northwind.example' })!;

describe('EncryptionCodec', () => {
  const key = randomBytes(32);

  it('round-trips payloads and leaves nothing readable', async () => {
    const codec = new EncryptionCodec(key);
    const [sealed] = await codec.encode([payload]);
    expect(Buffer.from(sealed.data!).includes('northwind')).toBe(false);
    expect(Buffer.from(sealed.metadata!.encoding!).toString()).toBe('binary/encrypted');
    const [opened] = await codec.decode([sealed]);
    expect(defaultPayloadConverter.fromPayload(opened)).toEqual({ billingEmail: 'maria@northwind.example' });
  });

  it('still decrypts with a previous key after rotation, and says which key is missing otherwise', async () => {
    const [sealedWithOld] = await new EncryptionCodec(key).encode([payload]);
    const rotated = new EncryptionCodec(randomBytes(32), [key]);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([sealedWithOld]))[0])).toEqual({
      billingEmail: 'maria@northwind.example',
    });
    await expect(new EncryptionCodec(randomBytes(32)).decode([sealedWithOld])).rejects.toThrow(/encrypted with key \w+/);
  });

  it('refuses a tampered payload', async () => {
    const [sealed] = await new EncryptionCodec(key).encode([payload]);
    const data = Buffer.from(sealed.data!);
    data[20] ^= 1;
    await expect(new EncryptionCodec(key).decode([{ ...sealed, data }])).rejects.toThrow();
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => new EncryptionCodec(randomBytes(16))).toThrow(/32 bytes/);
  });
});
