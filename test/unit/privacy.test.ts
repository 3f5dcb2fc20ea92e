import { createHash } from 'node:crypto';
import { describeText, hashIdentifier, setIdentifierHashKey } from '../../src/observability/privacy';

afterEach(() => setIdentifierHashKey('development only: set LOG_HASH_KEY or APP_SECRET'));

test('a phone number hashes to the same value every time, so one customer can be followed through the logs', () => {
  expect(hashIdentifier('34600111222')).toBe(hashIdentifier('34600111222'));
  expect(hashIdentifier('34600111222')).not.toBe(hashIdentifier('34600111223'));
  expect(hashIdentifier('34600111222')).toMatch(/^h:[0-9a-f]{16}$/);
  expect(hashIdentifier(undefined)).toBeUndefined();
});

test('the hash is keyed: it is not a plain hash anyone could recompute by trying every number', () => {
  const plain = createHash('sha256').update('34600111222').digest('hex');
  expect(plain).not.toContain(hashIdentifier('34600111222')!.slice(2));
  setIdentifierHashKey('key-of-business-one-0001');
  const withOneKey = hashIdentifier('34600111222');
  setIdentifierHashKey('key-of-business-two-0002');
  expect(hashIdentifier('34600111222')).not.toBe(withOneKey);
});

test('message text is replaced by its length unless PII logging is allowed', () => {
  expect(describeText('Hola 👋', false)).toBe('[6 chars hidden]');
  expect(describeText('Hola 👋', true)).toBe('Hola 👋');
});
