import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Tools officeflow builds from Go modules when a machine lacks them (the Temporal CLI, the Temporal server). */

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/** The Go toolchain: on PATH, or where its installer puts it; undefined without one. */
export const findGo = (): string | undefined => onPath('go') ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);

/** Where `go install` puts binaries (GOBIN, else GOPATH's bin, usually ~/go/bin). */
export function goBinDir(go: string): string {
  const gobin = execFileSync(go, ['env', 'GOBIN'], { encoding: 'utf8' }).trim();
  if (gobin) return gobin;
  const gopath = execFileSync(go, ['env', 'GOPATH'], { encoding: 'utf8' }).trim().split(path.delimiter)[0];
  return path.join(gopath || path.join(os.homedir(), 'go'), 'bin');
}

/** `go install` of these packages (`module/path@version`) into `binDir`, its progress on the terminal. */
export function goInstall(go: string, packages: string[], binDir?: string): void {
  execFileSync(go, ['install', ...packages], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: binDir ? { ...process.env, GOBIN: binDir } : process.env,
  });
}

/** Where the Go module cache keeps the source of `module@version`, once a build has downloaded it. */
export function moduleDir(go: string, moduleAtVersion: string): string {
  return path.join(execFileSync(go, ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim(), moduleAtVersion);
}

/**
 * A tool built from a Go module (`module/path@version`, its binary named `name`): on PATH, else in Go's bin folder,
 * else built there once with `go install` when Go is present (`building` says so first); undefined without Go.
 */
export function goTool(name: string, module: string, building: () => void): string | undefined {
  const found = onPath(name);
  if (found) return found;
  const go = findGo();
  if (!go) return undefined;
  const built = path.join(goBinDir(go), name);
  if (isExecutable(built)) return built;
  building();
  goInstall(go, [module]);
  return built;
}
