import pino from 'pino';
import { installTemporalRuntime } from '../../infra/logger';

let installed = false;

/**
 * The Temporal runtime of a test file that starts workers, logging as an engine's does into a log that is silent
 * unless TEST_LOG_LEVEL says otherwise: workers' state changes and the replay test's deliberate nondeterminism stay
 * out of the test output. Once per file, before its first worker or connection.
 */
export function quietRuntime(): void {
  if (installed) return;
  installTemporalRuntime(pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  installed = true;
}
