import { randomUUID } from 'node:crypto';
import { KeyringError } from '../../src/crypto/keyring';
import { isSealed, openSecret, sealedKeyId, sealSecret, secretsKeyring } from '../../src/crypto/secrets';

const OLD = 'old:' + Buffer.alloc(32, 1).toString('base64');
const NEW = 'new:' + Buffer.alloc(32, 2).toString('base64');
const TOKEN = 'EAAGm0PX4ZCpsBA-business-token';

test('a sealed secret is one text value naming its key, holding neither the secret nor its base64', () => {
  const business = randomUUID();
  const sealed = sealSecret(secretsKeyring(OLD), 'whatsapp-access-token', business, TOKEN);
  expect(sealed).toMatch(/^enc:v1:old:[A-Za-z0-9+/]+=*:[A-Za-z0-9+/]+=*$/);
  expect(sealed).not.toContain(TOKEN);
  expect(sealed).not.toContain(Buffer.from(TOKEN).toString('base64').slice(0, 12));
  expect(isSealed(sealed)).toBe(true);
  expect(sealedKeyId(sealed)).toBe('old');
  expect(openSecret(secretsKeyring(OLD), 'whatsapp-access-token', business, sealed)).toBe(TOKEN);
  // A fresh IV each time: the same token sealed twice gives two values, so equal tokens cannot be spotted.
  expect(sealSecret(secretsKeyring(OLD), 'whatsapp-access-token', business, TOKEN)).not.toBe(sealed);
});

test('a value copied to another business, or into the other column, does not open', () => {
  const keyring = secretsKeyring(OLD);
  const [a, b] = [randomUUID(), randomUUID()];
  const sealed = sealSecret(keyring, 'google-refresh-token', a, '1//refresh');
  expect(() => openSecret(keyring, 'google-refresh-token', b, sealed)).toThrow(KeyringError);
  expect(() => openSecret(keyring, 'whatsapp-access-token', a, sealed)).toThrow(KeyringError);
});

test.each([
  ['altered data', (s: string) => s.slice(0, -6) + (s.endsWith('AAAA==') ? 'BBBB==' : 'AAAA==')],
  ['a key that is not in the keyring', (s: string) => s.replace('enc:v1:old:', 'enc:v1:gone:')],
  ['a malformed value', (s: string) => s.replace(/:[^:]+$/, ':not base64!')],
])('%s is refused, never returned', (_, spoil) => {
  const business = randomUUID();
  const sealed = sealSecret(secretsKeyring(OLD), 'whatsapp-access-token', business, TOKEN);
  expect(() => openSecret(secretsKeyring(OLD), 'whatsapp-access-token', business, spoil(sealed))).toThrow(KeyringError);
});

test('rotation: the new key seals, the old one still opens what it sealed, and once dropped it opens nothing', () => {
  const business = randomUUID();
  const underOld = sealSecret(secretsKeyring(OLD), 'google-refresh-token', business, '1//refresh');
  const both = secretsKeyring(`${NEW},${OLD}`);
  expect(openSecret(both, 'google-refresh-token', business, underOld)).toBe('1//refresh');
  const underNew = sealSecret(both, 'google-refresh-token', business, '1//refresh');
  expect(sealedKeyId(underNew)).toBe('new');
  expect(openSecret(secretsKeyring(NEW), 'google-refresh-token', business, underNew)).toBe('1//refresh');
  expect(() => openSecret(secretsKeyring(NEW), 'google-refresh-token', business, underOld)).toThrow(/No key "old"/);
});

test('a value stored in clear before encryption is still read, with one warning that names the business and not the value', () => {
  const business = randomUUID();
  const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  try {
    expect(isSealed('1//legacy-token')).toBe(false);
    expect(sealedKeyId('1//legacy-token')).toBeUndefined();
    expect(openSecret(secretsKeyring(OLD), 'google-refresh-token', business, '1//legacy-token')).toBe('1//legacy-token');
    expect(openSecret(secretsKeyring(OLD), 'google-refresh-token', business, '1//legacy-token')).toBe('1//legacy-token');
    expect(emitWarning.mock.calls).toEqual([[expect.stringContaining(business), { code: 'WA_BOOKING_SECRET_IN_CLEAR' }]]);
    const [message] = emitWarning.mock.calls[0] as [string];
    expect(message).toContain('npm run secrets -- rotate');
    expect(message).not.toContain('legacy-token');
  } finally {
    emitWarning.mockRestore();
  }
});

test('the keyring setting is checked, and its errors name the variable, never the key', () => {
  expect(() => secretsKeyring('k1:c2hvcnQ=')).toThrow(/SECRETS_ENCRYPTION_KEYS: key "k1" must be 32 bytes/);
  expect(() => secretsKeyring('k1:c2hvcnQ=')).not.toThrow(/c2hvcnQ/);
});
