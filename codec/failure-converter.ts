import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failures as officeflow stores them in Temporal: their messages and stack traces travel as an encrypted payload (a
 * portal's validation message may quote a person's name). Loaded by path, so workflows use it inside their sandbox.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
