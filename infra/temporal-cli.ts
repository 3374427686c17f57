import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';

/** The newest tag that `go install` accepts: later tags carry a `replace` directive. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

function goBinDir(go: string): string {
  const gobin = execFileSync(go, ['env', 'GOBIN'], { encoding: 'utf8' }).trim();
  if (gobin) return gobin;
  const gopath = execFileSync(go, ['env', 'GOPATH'], { encoding: 'utf8' }).trim().split(path.delimiter)[0];
  return path.join(gopath || path.join(os.homedir(), 'go'), 'bin');
}

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
  const go = onPath('go') ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) return undefined;
  const built = path.join(goBinDir(go), 'temporal');
  if (isExecutable(built)) return built;
  log.info(`building the Temporal CLI with 'go install ${TEMPORAL_CLI_MODULE}' (first run only, several minutes)`);
  execFileSync(go, ['install', TEMPORAL_CLI_MODULE], { stdio: ['ignore', 'inherit', 'inherit'] });
  return built;
}
