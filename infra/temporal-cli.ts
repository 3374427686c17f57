import path from 'node:path';
import type { Logger } from 'pino';
import { findGo, goBinDir, goInstall, isExecutable, onPath } from './go';

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
  const found = onPath('temporal');
  if (found) return found;
  const go = findGo();
  if (!go) return undefined;
  const built = path.join(goBinDir(go), 'temporal');
  if (isExecutable(built)) return built;
  log.info(`building the Temporal CLI with 'go install ${TEMPORAL_CLI_MODULE}' (first run only, several minutes)`);
  goInstall(go, [TEMPORAL_CLI_MODULE]);
  return built;
}
