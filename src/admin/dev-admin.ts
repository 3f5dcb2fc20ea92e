// The development console user that `npm run dev` makes, so a fresh clone can
// sign in at once. Its password is generated on first start and kept in .data/
// (readable by this user only), so later starts can print it again.
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../db/client';
import { createAdminUser, normaliseEmail } from '../db/admin-users';
import { generatePassword, hashPassword } from './passwords';

export const DEV_ADMIN_EMAIL = 'admin@example.com';

export async function ensureDevAdmin(
  db: Database,
  dataDir: string,
  demoBusinessId: string,
): Promise<{ email: string; password: string | undefined; created: boolean }> {
  const passwordFile = path.join(dataDir, 'dev-admin-password');
  const existing = await db.adminUser.findUnique({ where: { email: normaliseEmail(DEV_ADMIN_EMAIL) }, select: { id: true } });
  if (existing) {
    // Changed in the console since? Then the file is stale, which the caller says.
    const password = fs.existsSync(passwordFile) ? fs.readFileSync(passwordFile, 'utf8').trim() : undefined;
    return { email: DEV_ADMIN_EMAIL, password, created: false };
  }
  const password = generatePassword();
  // A platform admin who is also owner of the demo business, so the owner's pages can be tried with one account.
  await createAdminUser(db, {
    email: DEV_ADMIN_EMAIL,
    name: 'Development admin',
    passwordHash: await hashPassword(password),
    platformAdmin: true,
    membership: { businessId: demoBusinessId, role: 'OWNER' },
  });
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  return { email: DEV_ADMIN_EMAIL, password, created: true };
}
