// How every Temporal client and worker of this system reads and writes payloads:
// encrypted with TEMPORAL_PAYLOAD_KEYS, failure messages included. A client or
// worker without it would write histories in clear, or fail to read them.
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config';
import { parseKeyring, type Keyring } from '../crypto/keyring';
import { EncryptionCodec } from './payload-codec';

/** For bundleWorkflowCode: a prebuilt workflow bundle must carry the same failure converter. */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

export function payloadKeyring(config: Pick<Config, 'TEMPORAL_PAYLOAD_KEYS'>): Keyring {
  return parseKeyring(config.TEMPORAL_PAYLOAD_KEYS, 'TEMPORAL_PAYLOAD_KEYS');
}

export function encryptingDataConverter(keyring: Keyring): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keyring)], failureConverterPath: FAILURE_CONVERTER_PATH };
}

export function dataConverterFor(config: Pick<Config, 'TEMPORAL_PAYLOAD_KEYS'>): DataConverter {
  return encryptingDataConverter(payloadKeyring(config));
}
