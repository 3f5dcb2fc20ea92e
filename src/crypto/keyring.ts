// AES-256-GCM with named keys, shared by the Temporal payload codec and the
// secrets stored in the database. A keyring is written "id:base64key,id:base64key":
// the first key encrypts, every key decrypts, so a key is rotated by putting a new
// one first and dropping the old one once nothing encrypted with it is left.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface Keyring {
  /** The key new data is encrypted with. */
  currentId: string;
  keys: ReadonlyMap<string, Buffer>;
}

export interface Sealed {
  keyId: string;
  /** 12 random bytes, never reused with the same key. */
  iv: Buffer;
  /** Ciphertext followed by the 16-byte GCM tag. */
  data: Buffer;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class KeyringError extends Error {
  override name = 'KeyringError';
}

/** Parses a keyring setting; `name` (the variable it came from) makes the error say where to look. Never echoes key material. */
export function parseKeyring(value: string, name: string): Keyring {
  const keys = new Map<string, Buffer>();
  let currentId: string | undefined;
  for (const [index, entry] of value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .entries()) {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    if (!KEY_ID.test(id)) throw new KeyringError(`${name}: entry ${index + 1} must be "id:base64key" with an id of letters, digits, ".", "_" or "-"`);
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (key.length !== 32) throw new KeyringError(`${name}: key "${id}" must be 32 bytes, base64-encoded (openssl rand -base64 32)`);
    if (keys.has(id)) throw new KeyringError(`${name}: key id "${id}" appears twice`);
    keys.set(id, key);
    currentId ??= id;
  }
  if (!currentId) throw new KeyringError(`${name}: no key given`);
  return { currentId, keys };
}

/** Encrypts with the current key. `context` is authenticated but not stored: decryption must name the same one. */
export function seal(keyring: Keyring, plaintext: Uint8Array, context = ''): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyring.keys.get(keyring.currentId)!, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { keyId: keyring.currentId, iv, data };
}

/** Decrypts with the key the data names; throws KeyringError for an unknown key or data that was altered. */
export function open(keyring: Keyring, sealed: Sealed, context = ''): Buffer {
  const key = keyring.keys.get(sealed.keyId);
  if (!key) throw new KeyringError(`No key "${sealed.keyId}" in the keyring: it was removed before everything it encrypted was re-encrypted`);
  if (sealed.iv.length !== IV_BYTES || sealed.data.length < TAG_BYTES) throw new KeyringError('Encrypted data is malformed');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(sealed.data.subarray(sealed.data.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.data.subarray(0, sealed.data.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new KeyringError(`Encrypted data does not authenticate with key "${sealed.keyId}": altered, or sealed for another purpose`);
  }
}
