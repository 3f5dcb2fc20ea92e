// `npm run secrets -- rotate` as an operator runs it between adding a new key and
// dropping the old one: every stored secret ends up sealed with the new key,
// including those written in clear before secrets were encrypted, and nothing
// is printed but counts.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { KeyringError } from '../../src/crypto/keyring';
import { openSecret, sealSecret, secretsKeyring } from '../../src/crypto/secrets';
import { businessWhatsAppToken } from '../../src/db/business-secrets';
import { createTestDatabase, type TestDatabase } from '../support/database';

const root = path.resolve(__dirname, '../..');
const OLD_KEYS = 'old:' + Buffer.alloc(32, 7).toString('base64');
const NEW_KEYS = 'new:' + Buffer.alloc(32, 9).toString('base64');
const ROTATING = `${NEW_KEYS},${OLD_KEYS}`;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

async function rotate(keys: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), 'src/cli/secrets.ts', 'rotate'], {
    cwd: root,
    env: { PATH: process.env.PATH, NODE_ENV: 'development', DATABASE_URL: database.url, SECRETS_ENCRYPTION_KEYS: keys },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}

async function rawSecrets(id: string) {
  const [row] = await database.db.$queryRaw<Array<{ refresh: string | null; whatsapp: string | null }>>`
    SELECT google_refresh_token AS refresh, whatsapp_access_token AS whatsapp FROM business WHERE id = ${id}::uuid`;
  return row!;
}

test('rotate re-seals old-key and clear secrets under the new key, is idempotent, and then the old key can go', async () => {
  const db = database.db;
  const old = secretsKeyring(OLD_KEYS);
  const sealedOld = await db.business.create({ data: { name: 'Sealed with the old key', phoneNumberId: '100000000000901' } });
  await db.business.update({
    where: { id: sealedOld.id },
    data: {
      googleRefreshToken: sealSecret(old, 'google-refresh-token', sealedOld.id, '1//refresh-a'),
      whatsappAccessToken: sealSecret(old, 'whatsapp-access-token', sealedOld.id, 'EAAG-token-a'),
    },
  });
  // Written before secrets were encrypted.
  const inClear = await db.business.create({ data: { name: 'In clear', phoneNumberId: '100000000000902', googleRefreshToken: '1//refresh-b' } });
  const none = await db.business.create({ data: { name: 'No secrets', phoneNumberId: '100000000000903' } });

  // With the new key first and the old one kept, what the old key sealed still opens.
  expect(await businessWhatsAppToken(db, secretsKeyring(ROTATING), { id: sealedOld.id })).toBe('EAAG-token-a');

  const first = await rotate(ROTATING);
  expect(first.code).toBe(0);
  expect(first.output).toContain('Secrets re-sealed with key "new"');
  expect(first.output).toContain(
    'googleRefreshToken: 1 re-sealed from an older key, 1 sealed from clear, 0 already current, 0 changed meanwhile, 0 unreadable',
  );
  expect(first.output).toContain('whatsappAccessToken: 1 re-sealed from an older key, 0 sealed from clear, 0 already current');
  for (const secret of ['refresh-a', 'refresh-b', 'token-a']) expect(first.output).not.toContain(secret);

  // Only the new key is needed now.
  const newOnly = secretsKeyring(NEW_KEYS);
  const a = await rawSecrets(sealedOld.id);
  const b = await rawSecrets(inClear.id);
  expect([a.refresh, a.whatsapp, b.refresh]).toEqual([
    expect.stringMatching(/^enc:v1:new:/),
    expect.stringMatching(/^enc:v1:new:/),
    expect.stringMatching(/^enc:v1:new:/),
  ]);
  expect(openSecret(newOnly, 'google-refresh-token', sealedOld.id, a.refresh!)).toBe('1//refresh-a');
  expect(openSecret(newOnly, 'whatsapp-access-token', sealedOld.id, a.whatsapp!)).toBe('EAAG-token-a');
  expect(openSecret(newOnly, 'google-refresh-token', inClear.id, b.refresh!)).toBe('1//refresh-b');
  expect(await rawSecrets(none.id)).toEqual({ refresh: null, whatsapp: null });

  // A second run finds everything current and changes nothing; so does one with the old key dropped.
  const again = await rotate(NEW_KEYS);
  expect(again.code).toBe(0);
  expect(again.output).toContain('googleRefreshToken: 0 re-sealed from an older key, 0 sealed from clear, 2 already current');
  expect(again.output).toContain('whatsappAccessToken: 0 re-sealed from an older key, 0 sealed from clear, 1 already current');
  expect(await rawSecrets(sealedOld.id)).toEqual(a);
});

test('a value no key opens is reported by business and left alone, and the command fails', async () => {
  const db = database.db;
  const lost = secretsKeyring('lost:' + Buffer.alloc(32, 3).toString('base64'));
  const business = await db.business.create({ data: { name: 'Sealed with a lost key', phoneNumberId: '100000000000904' } });
  const sealed = sealSecret(lost, 'whatsapp-access-token', business.id, 'EAAG-token-lost');
  await db.business.update({ where: { id: business.id }, data: { whatsappAccessToken: sealed } });

  const result = await rotate(NEW_KEYS);
  expect(result.code).toBe(1);
  expect(result.output).toContain(`unreadable: business ${business.id}`);
  expect((await rawSecrets(business.id)).whatsapp).toBe(sealed);
  await expect(businessWhatsAppToken(db, secretsKeyring(NEW_KEYS), { id: business.id })).rejects.toThrow(KeyringError);
});

test("a sealed token copied into another business's row does not open there", async () => {
  const db = database.db;
  const keys = secretsKeyring(NEW_KEYS);
  const owner = await db.business.create({ data: { name: 'Owner of the token', phoneNumberId: '100000000000905' } });
  const other = await db.business.create({ data: { name: 'Another business', phoneNumberId: '100000000000906' } });
  const sealed = sealSecret(keys, 'whatsapp-access-token', owner.id, 'EAAG-token-owner');
  await db.business.update({ where: { id: owner.id }, data: { whatsappAccessToken: sealed } });
  await db.business.update({ where: { id: other.id }, data: { whatsappAccessToken: sealed } });

  expect(await businessWhatsAppToken(db, keys, { phoneNumberId: '100000000000905' })).toBe('EAAG-token-owner');
  await expect(businessWhatsAppToken(db, keys, { phoneNumberId: '100000000000906' })).rejects.toThrow(/does not authenticate/);
});
