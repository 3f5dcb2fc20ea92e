import { createHmac } from 'node:crypto';
import { isValidSignature, signBody } from '../../src/whatsapp/signature';

const SECRET = 'test-app-secret';
const BODY = Buffer.from('{"object":"whatsapp_business_account","entry":[]}', 'utf8');

/** The hex digest computed independently of the module under test. */
function hexDigest(body: Buffer | string, secret = SECRET): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

const VALID_HEX = hexDigest(BODY);

describe('signBody', () => {
  test.each([
    ['a buffer', BODY],
    ['the same bytes as a string', BODY.toString('utf8')],
  ])('signs %s as sha256=<lowercase hex HMAC>', (_label, body) => {
    expect(signBody(body, SECRET)).toBe(`sha256=${VALID_HEX}`);
    expect(signBody(body, SECRET)).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  test('depends on the secret', () => {
    expect(signBody(BODY, 'another-secret')).not.toBe(signBody(BODY, SECRET));
  });

  test('round-trips through isValidSignature', () => {
    expect(isValidSignature(BODY, signBody(BODY, SECRET), SECRET)).toBe(true);
  });
});

describe('isValidSignature', () => {
  test.each<[string, boolean, string | string[] | undefined]>([
    ['the correct signature', true, `sha256=${VALID_HEX}`],
    // Buffer.from(hex) accepts both cases, so an uppercase digest still verifies.
    ['the correct digest in uppercase hex', true, `sha256=${VALID_HEX.toUpperCase()}`],
    ['the correct digest in mixed-case hex', true, `sha256=${VALID_HEX.slice(0, 32).toUpperCase()}${VALID_HEX.slice(32)}`],
    ['a signature made with another secret', false, `sha256=${hexDigest(BODY, 'wrong-secret')}`],
    ['a missing header', false, undefined],
    ['an empty header', false, ''],
    ['only the prefix', false, 'sha256='],
    ['the bare digest without the sha256= prefix', false, VALID_HEX],
    ['another algorithm prefix', false, `sha1=${VALID_HEX}`],
    ['an uppercase prefix', false, `SHA256=${VALID_HEX}`],
    ['a space after the prefix', false, `sha256= ${VALID_HEX}`],
    ['the digest truncated by one byte', false, `sha256=${VALID_HEX.slice(0, 62)}`],
    ['the digest truncated to half', false, `sha256=${VALID_HEX.slice(0, 32)}`],
    ['the digest truncated by one hex digit (odd length)', false, `sha256=${VALID_HEX.slice(0, 63)}`],
    ['the digest with one extra byte', false, `sha256=${VALID_HEX}00`],
    ['the digest with its last digit changed', false, `sha256=${VALID_HEX.slice(0, 63)}${VALID_HEX.endsWith('0') ? '1' : '0'}`],
    ['the digest with its first digit changed', false, `sha256=${VALID_HEX.startsWith('f') ? 'e' : 'f'}${VALID_HEX.slice(1)}`],
    ['64 non-hex characters', false, `sha256=${'z'.repeat(64)}`],
    ['a non-hex character inside the digest', false, `sha256=${VALID_HEX.slice(0, 10)}g${VALID_HEX.slice(11)}`],
    ['the digest base64-encoded', false, `sha256=${Buffer.from(VALID_HEX, 'hex').toString('base64')}`],
    ['all zeros', false, `sha256=${'0'.repeat(64)}`],
    ['an array holding the correct signature', false, [`sha256=${VALID_HEX}`]],
    ['an array holding the correct signature twice', false, [`sha256=${VALID_HEX}`, `sha256=${VALID_HEX}`]],
    ['an empty array', false, []],
  ])('%s → valid: %s', (_label, expected, header) => {
    expect(isValidSignature(BODY, header, SECRET)).toBe(expected);
  });

  test.each([
    ['a different body', Buffer.from('{"object":"whatsapp_business_account","entry":[{}]}')],
    ['the body with a trailing newline', Buffer.concat([BODY, Buffer.from('\n')])],
    ['the body with a leading space', Buffer.concat([Buffer.from(' '), BODY])],
    ['an empty body', Buffer.alloc(0)],
  ])('rejects the signature of the original body for %s', (_label, body) => {
    expect(isValidSignature(body, `sha256=${VALID_HEX}`, SECRET)).toBe(false);
  });

  test('never throws on malformed input (timingSafeEqual length mismatch is guarded)', () => {
    for (const header of ['sha256=', 'sha256=0', 'sha256=00', `sha256=${'ab'.repeat(100)}`, 'sha256=\u00e9\u00e9', 'sha256=😀']) {
      expect(() => isValidSignature(BODY, header, SECRET)).not.toThrow();
      expect(isValidSignature(BODY, header, SECRET)).toBe(false);
    }
  });

  describe('signs the raw bytes, not the JSON value', () => {
    // Meta escapes non-ASCII characters; the same JSON value re-serialised by
    // JSON.stringify contains the literal character and so different bytes.
    const sent = Buffer.from('{"text":{"body":"Caf\\u00e9"}}', 'utf8');
    const header = `sha256=${hexDigest(sent)}`;

    test('the bytes as sent verify', () => {
      expect(sent.toString('utf8')).toContain('\\u00e9');
      expect(isValidSignature(sent, header, SECRET)).toBe(true);
    });

    test('the body re-serialised with a literal é does not verify', () => {
      const reserialised = Buffer.from(JSON.stringify(JSON.parse(sent.toString('utf8'))), 'utf8');
      expect(reserialised.toString('utf8')).toBe('{"text":{"body":"Café"}}');
      expect(isValidSignature(reserialised, header, SECRET)).toBe(false);
    });

    test('the body re-serialised with different whitespace does not verify', () => {
      const pretty = Buffer.from(JSON.stringify(JSON.parse(sent.toString('utf8')), null, 2), 'utf8');
      expect(isValidSignature(pretty, header, SECRET)).toBe(false);
    });

    test('the same text encoded as latin1 instead of UTF-8 does not verify', () => {
      const literal = '{"text":{"body":"Café"}}';
      const utf8Header = `sha256=${hexDigest(Buffer.from(literal, 'utf8'))}`;
      expect(isValidSignature(Buffer.from(literal, 'utf8'), utf8Header, SECRET)).toBe(true);
      expect(isValidSignature(Buffer.from(literal, 'latin1'), utf8Header, SECRET)).toBe(false);
    });
  });

  describe('empty body', () => {
    const empty = Buffer.alloc(0);

    test('verifies with the HMAC of zero bytes', () => {
      expect(isValidSignature(empty, `sha256=${hexDigest('')}`, SECRET)).toBe(true);
      expect(isValidSignature(empty, signBody('', SECRET), SECRET)).toBe(true);
    });

    test.each([
      ['another secret', `sha256=${hexDigest('', 'other')}`],
      ['no header', undefined],
      ['an empty digest', 'sha256='],
    ])('does not verify with %s', (_label, header) => {
      expect(isValidSignature(empty, header, SECRET)).toBe(false);
    });
  });

  test('an empty secret is a secret like any other', () => {
    expect(isValidSignature(BODY, `sha256=${hexDigest(BODY, '')}`, '')).toBe(true);
    expect(isValidSignature(BODY, `sha256=${VALID_HEX}`, '')).toBe(false);
  });

  // Buffer.from(hex, 'hex') stops at the first non-hex character; the header
  // must be exactly `sha256=` + 64 hex digits.
  test.each([
    ['the correct digest plus one extra hex digit (odd length)', `sha256=${VALID_HEX}0`],
    ['the correct digest plus non-hex garbage', `sha256=${VALID_HEX}zz`],
    ['the correct digest plus a trailing space', `sha256=${VALID_HEX} `],
  ])('rejects %s', (_label, header) => {
    expect(isValidSignature(BODY, header, SECRET)).toBe(false);
  });
});
