import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { parseKeyring } from '../../src/crypto/keyring';
import { ENCRYPTED_ENCODING, EncryptionCodec, KEY_ID_METADATA } from '../../src/temporal/payload-codec';

const OLD_KEY = `old:${Buffer.alloc(32, 1).toString('base64')}`;
const NEW_KEY = `new:${Buffer.alloc(32, 2).toString('base64')}`;
const codecWith = (keys: string) => new EncryptionCodec(parseKeyring(keys, 'TEMPORAL_PAYLOAD_KEYS'));

const TEXT = 'Book me a haircut, my number is +34 600 123 456';
const plain = (...value: [unknown?]): Payload => defaultPayloadConverter.toPayload(value.length ? value[0] : { text: TEXT });
const text = (payload: Payload) => new TextDecoder().decode(payload.data ?? new Uint8Array());
const metadata = (payload: Payload, key: string) => new TextDecoder().decode(payload.metadata?.[key] ?? new Uint8Array());

describe('EncryptionCodec', () => {
  test.each([
    ['an object', { text: TEXT, when: '2026-12-09T10:00' }],
    ['a string', TEXT],
    ['undefined (binary/null, no data)', undefined],
    ['bytes', new Uint8Array([0, 1, 2, 255])],
  ])('round-trips %s, metadata included, with nothing of it in clear', async (_, value) => {
    const codec = codecWith(NEW_KEY);
    const original = plain(value);
    expect(defaultPayloadConverter.fromPayload(original)).toEqual(value);
    const [encoded] = await codec.encode([original]);
    expect(metadata(encoded!, 'encoding')).toBe(ENCRYPTED_ENCODING);
    expect(metadata(encoded!, KEY_ID_METADATA)).toBe('new');
    expect(Object.keys(encoded!.metadata!).sort()).toEqual(['encoding', KEY_ID_METADATA]);
    expect(text(encoded!)).not.toContain('haircut');
    expect(Buffer.from(encoded!.data!).toString('base64')).not.toContain(Buffer.from('haircut').toString('base64'));
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(value);
    expect(Object.keys(decoded!.metadata!)).toEqual(Object.keys(original.metadata!));
  });

  test('the same payload encrypts differently every time (a fresh IV each)', async () => {
    const codec = codecWith(NEW_KEY);
    const [a, b] = await codec.encode([plain(), plain()]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  test('rotation: the new key encrypts, the old one still decrypts what it wrote', async () => {
    const [written] = await codecWith(OLD_KEY).encode([plain()]);
    const rotated = codecWith(`${NEW_KEY},${OLD_KEY}`);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([written!]))[0]!)).toEqual({ text: TEXT });
    const [rewritten] = await rotated.encode([plain()]);
    expect(metadata(rewritten!, KEY_ID_METADATA)).toBe('new');
    await expect(codecWith(OLD_KEY).decode([rewritten!])).rejects.toThrow(/key "new", which is not in TEMPORAL_PAYLOAD_KEYS/);
  });

  test('a payload whose key was dropped fails with the key named, not as garbage', async () => {
    const [written] = await codecWith(OLD_KEY).encode([plain()]);
    await expect(codecWith(NEW_KEY).decode([written!])).rejects.toThrow('A payload is encrypted with key "old", which is not in TEMPORAL_PAYLOAD_KEYS');
  });

  test('altered ciphertext, a swapped key ID or a missing key ID is refused', async () => {
    const codec = codecWith(`${NEW_KEY},${OLD_KEY}`);
    const [written] = await codec.encode([plain()]);
    const flipped = Buffer.from(written!.data!);
    flipped[20] = flipped[20]! ^ 1;
    await expect(codec.decode([{ ...written!, data: flipped }])).rejects.toThrow(/could not be decrypted.*does not authenticate/);
    const otherKey = { ...written!, metadata: { ...written!.metadata, [KEY_ID_METADATA]: new TextEncoder().encode('old') } };
    await expect(codec.decode([otherKey])).rejects.toThrow(/does not authenticate with key "old"/);
    const truncated = { ...written!, data: Buffer.from(written!.data!).subarray(0, 10) };
    await expect(codec.decode([truncated])).rejects.toThrow(/malformed/);
    const { [KEY_ID_METADATA]: _, ...noKeyId } = written!.metadata!;
    await expect(codec.decode([{ ...written!, metadata: noKeyId }])).rejects.toThrow(/names no key/);
  });

  test('a payload written before encryption (no binary/encrypted encoding) passes through unchanged', async () => {
    const old = plain();
    const [decoded] = await codecWith(NEW_KEY).decode([old]);
    expect(decoded).toBe(old);
  });
});
