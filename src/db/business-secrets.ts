// The secrets a business row holds, sealed (src/crypto/secrets.ts): its own
// WhatsApp access token as the console sets it and the sending activity reads it,
// and the re-sealing of every stored secret under the keyring's current key.
import type { Keyring } from '../crypto/keyring';
import { isSealed, openSecret, sealedKeyId, sealSecret, type SecretKind } from '../crypto/secrets';
import type { Database } from './client';
import { queryRow } from './sql';

export const WHATSAPP_TOKEN_ACTIONS = { set: 'whatsapp-token.set', clear: 'whatsapp-token.clear' } as const;

/** The business's own WhatsApp access token in clear, or undefined when it uses the deployment's. */
export async function businessWhatsAppToken(db: Database, secrets: Keyring, where: { id: string } | { phoneNumberId: string }): Promise<string | undefined> {
  const [column, value] = 'id' in where ? ['id', where.id] : ['phone_number_id', where.phoneNumberId];
  const row = await queryRow<{ id: string; whatsappAccessToken: string | null }>(
    db,
    `SELECT id, whatsapp_access_token AS "whatsappAccessToken" FROM business WHERE ${column} = $1`,
    [value],
  );
  return row?.whatsappAccessToken ? openSecret(secrets, 'whatsapp-access-token', row.id, row.whatsappAccessToken) : undefined;
}

/** What the console may know of the token: whether there is one, and when it last changed. Never the token. */
export interface WhatsAppTokenView {
  set: boolean;
  changedAt: string | null;
}

export async function loadWhatsAppTokenView(db: Database, businessId: string): Promise<WhatsAppTokenView> {
  const [row, lastChange] = await Promise.all([
    db.business.findUniqueOrThrow({ where: { id: businessId }, select: { whatsappAccessToken: true } }),
    db.auditEntry.findFirst({
      where: { businessId, action: { in: Object.values(WHATSAPP_TOKEN_ACTIONS) } },
      orderBy: { createdAt: 'desc' },
      select: { createdAt: true },
    }),
  ]);
  return { set: row.whatsappAccessToken !== null, changedAt: lastChange?.createdAt.toISOString() ?? null };
}

/** Seals and stores the token, or clears it (null) so the business sends with the deployment's. */
export async function storeWhatsAppToken(db: Database, secrets: Keyring, businessId: string, token: string | null): Promise<void> {
  await db.business.update({
    where: { id: businessId },
    data: { whatsappAccessToken: token === null ? null : sealSecret(secrets, 'whatsapp-access-token', businessId, token) },
  });
}

const COLUMNS = { googleRefreshToken: 'google-refresh-token', whatsappAccessToken: 'whatsapp-access-token' } as const satisfies Record<string, SecretKind>;
type SecretColumn = keyof typeof COLUMNS;

export interface ResealCounts {
  /** Already sealed with the current key: left as they are. */
  current: number;
  /** Sealed with an older key, now with the current one. */
  resealed: number;
  /** Stored in clear (before secrets were encrypted), now sealed. */
  sealedFromClear: number;
  /** Changed by someone else while this ran (so written with the current key): left as they are. */
  changedMeanwhile: number;
  /** Businesses whose value no key in the keyring opens: left as they are, for an operator to look at. */
  unreadable: string[];
}

/**
 * Re-seals every stored secret with the keyring's current key, so older keys can
 * be dropped. Idempotent: a second run finds everything current. Each row is
 * written only if it still holds the value that was read, so a token the console
 * sets meanwhile is never overwritten with an older one.
 */
export async function resealStoredSecrets(db: Database, secrets: Keyring): Promise<Record<SecretColumn, ResealCounts>> {
  const tally = (): ResealCounts => ({ current: 0, resealed: 0, sealedFromClear: 0, changedMeanwhile: 0, unreadable: [] });
  const counts: Record<SecretColumn, ResealCounts> = { googleRefreshToken: tally(), whatsappAccessToken: tally() };
  const rows = await db.business.findMany({
    where: { OR: [{ googleRefreshToken: { not: null } }, { whatsappAccessToken: { not: null } }] },
    select: { id: true, googleRefreshToken: true, whatsappAccessToken: true },
    orderBy: { id: 'asc' },
  });
  for (const row of rows) {
    for (const [column, kind] of Object.entries(COLUMNS) as Array<[SecretColumn, SecretKind]>) {
      const stored = row[column];
      if (stored === null) continue;
      const count = counts[column];
      if (sealedKeyId(stored) === secrets.currentId) {
        count.current++;
        continue;
      }
      let value: string;
      try {
        value = isSealed(stored) ? openSecret(secrets, kind, row.id, stored) : stored;
      } catch {
        count.unreadable.push(row.id);
        continue;
      }
      const written = await db.business.updateMany({ where: { id: row.id, [column]: stored }, data: { [column]: sealSecret(secrets, kind, row.id, value) } });
      if (written.count === 0) count.changedMeanwhile++;
      else if (isSealed(stored)) count.resealed++;
      else count.sealedFromClear++;
    }
  }
  return counts;
}
