import type { Logger } from 'pino';
import { goTool, isExecutable } from './go';

/** The newest tag that `go install` accepts: later tags carry a `replace` directive. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

/**
 * Finds the Temporal CLI (which embeds the dev server and Web UI): TEMPORAL_CLI_PATH, then `temporal` on PATH,
 * then Go's bin folder, then a one-time `go install` when Go is present. Returns undefined when none can be had,
 * so the caller lets the SDK download the server instead (machines with internet).
 */
export function resolveTemporalCli(configuredPath: string | undefined, log: Logger): string | undefined {
  if (configuredPath) {
    if (!isExecutable(configuredPath)) throw new Error(`TEMPORAL_CLI_PATH=${configuredPath} is not an executable file`);
    return configuredPath;
  }
  return goTool('temporal', TEMPORAL_CLI_MODULE, () =>
    log.info(`building the Temporal CLI with 'go install ${TEMPORAL_CLI_MODULE}' (first run only, several minutes)`),
  );
}
