// Loaded by path (DataConverter.failureConverterPath) so the workflow bundle gets
// it too: error messages and stack traces go into an encoded payload, which the
// payload codec then encrypts, instead of sitting in the history as plain text.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
