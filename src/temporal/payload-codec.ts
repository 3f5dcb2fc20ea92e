// Encrypts every payload before it reaches the Temporal server, so workflow
// histories (message text, phone numbers, names, tool arguments) are ciphertext
// at rest and on the wire. The whole original payload, its metadata included, is
// serialised and sealed: even its encoding ("json/plain") is hidden.
//
// An encrypted payload carries `encoding: binary/encrypted` and the ID of the key
// that sealed it; its data is the 12-byte IV followed by ciphertext and GCM tag.
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { KeyringError, open, seal, type Keyring } from '../crypto/keyring';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

/** Authenticated with every payload, so a payload can never be passed off as a database secret sealed with the same keys, nor the reverse. */
const SEAL_CONTEXT = `temporal-payload:${ENCRYPTED_ENCODING}`;
const IV_BYTES = 12;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export class PayloadKeyError extends Error {
  override name = 'PayloadKeyError';
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyring: Keyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  private encrypt(payload: Payload): Payload {
    const plaintext = temporal.api.common.v1.Payload.encode(payload).finish();
    const sealed = seal(this.keyring, plaintext, SEAL_CONTEXT);
    return {
      metadata: { encoding: utf8.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8.encode(sealed.keyId) },
      data: Buffer.concat([sealed.iv, sealed.data]),
    };
  }

  private decrypt(payload: Payload): Payload {
    // Histories written before encryption was turned on stay readable.
    if (metadataText(payload, 'encoding') !== ENCRYPTED_ENCODING) return payload;
    const keyId = metadataText(payload, KEY_ID_METADATA);
    if (!keyId) throw new PayloadKeyError(`An encrypted payload names no key (metadata "${KEY_ID_METADATA}" is missing)`);
    if (!this.keyring.keys.has(keyId)) {
      throw new PayloadKeyError(
        `A payload is encrypted with key "${keyId}", which is not in TEMPORAL_PAYLOAD_KEYS: keep every key a history still needs until it has expired`,
      );
    }
    const data = Buffer.from(payload.data ?? []);
    try {
      const plaintext = open(this.keyring, { keyId, iv: data.subarray(0, IV_BYTES), data: data.subarray(IV_BYTES) }, SEAL_CONTEXT);
      const original = temporal.api.common.v1.Payload.decode(plaintext);
      return { metadata: original.metadata, data: original.data, ...(original.externalPayloads.length ? { externalPayloads: original.externalPayloads } : {}) };
    } catch (err) {
      if (err instanceof KeyringError) throw new PayloadKeyError(`A payload encrypted with key "${keyId}" could not be decrypted: ${err.message}`);
      throw err;
    }
  }
}

function metadataText(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value ? fromUtf8.decode(value) : undefined;
}
