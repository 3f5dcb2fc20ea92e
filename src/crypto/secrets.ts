// Secrets a business gives us (its Google refresh token, its WhatsApp access
// token), as they are kept in a database column: one text value that names the
// key it was sealed with, "enc:v1:<keyId>:<iv>:<data>" (base64), under the
// SECRETS_ENCRYPTION_KEYS keyring. The authenticated context names the kind of
// secret and the business it belongs to, so a value copied into another
// business's row, or into another column, does not open.
//
// Why no per-secret data key wrapped by the master key: envelope encryption pays
// off when the master key sits in a KMS (one call unwraps a key that then
// decrypts much data) or when data is too large to re-encrypt. Here the master
// key is in the process's environment already and each secret is a few hundred
// bytes, so a data key would add a second ciphertext per row and change nothing:
// rotation still rewrites every row (re-wrapping a data key is the same write),
// and whoever holds the master key opens both layers. "Envelope" here is the
// split itself: the database holds only ciphertext, the environment only the key.
// A fresh random 96-bit IV per value keeps AES-GCM far below its per-key limit.
import { KeyringError, open, parseKeyring, seal, type Keyring } from './keyring';

export type SecretKind = 'google-refresh-token' | 'whatsapp-access-token';

const PREFIX = 'enc:v1:';
const SEALED = /^enc:v1:([A-Za-z0-9._-]{1,64}):([A-Za-z0-9+/]+=*):([A-Za-z0-9+/]+=*)$/;

/** The SECRETS_ENCRYPTION_KEYS setting as a keyring; its errors name the variable, never a key. */
export function secretsKeyring(setting: string): Keyring {
  return parseKeyring(setting, 'SECRETS_ENCRYPTION_KEYS');
}

const contextOf = (kind: SecretKind, businessId: string) => `${kind}:${businessId}`;

export function sealSecret(keyring: Keyring, kind: SecretKind, businessId: string, value: string): string {
  const { keyId, iv, data } = seal(keyring, Buffer.from(value, 'utf8'), contextOf(kind, businessId));
  return `${PREFIX}${keyId}:${iv.toString('base64')}:${data.toString('base64')}`;
}

/** Whether a stored value is in the sealed format (anything else was written before secrets were encrypted). */
export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

/** The key a sealed value names; undefined for a value stored in clear. */
export function sealedKeyId(stored: string): string | undefined {
  return SEALED.exec(stored)?.[1];
}

/**
 * The secret a column holds. A value in clear (stored before this format) is
 * still returned, with a warning that names the business, never the value, until
 * `npm run secrets -- rotate` seals it. Throws KeyringError when the value was
 * altered, sealed for another business or kind, or under a key no longer present.
 */
export function openSecret(keyring: Keyring, kind: SecretKind, businessId: string, stored: string): string {
  if (!isSealed(stored)) {
    warnOfClearSecret(kind, businessId);
    return stored;
  }
  const parts = SEALED.exec(stored);
  if (!parts) throw new KeyringError(`The stored ${kind} of business ${businessId} is not a well-formed sealed value`);
  const sealed = { keyId: parts[1]!, iv: Buffer.from(parts[2]!, 'base64'), data: Buffer.from(parts[3]!, 'base64') };
  return open(keyring, sealed, contextOf(kind, businessId)).toString('utf8');
}

const warned = new Set<string>();

/** Once per business and kind per process: the warning is for the operator, not a line per message. */
function warnOfClearSecret(kind: SecretKind, businessId: string): void {
  const key = contextOf(kind, businessId);
  if (warned.has(key)) return;
  warned.add(key);
  process.emitWarning(`The ${kind} of business ${businessId} is stored unencrypted (written before secrets were encrypted): run "npm run secrets -- rotate"`, {
    code: 'WA_BOOKING_SECRET_IN_CLEAR',
  });
}
