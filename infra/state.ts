import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The project-local state folder: embedded databases, received mail and generated secrets live here,
 * so a restart keeps every run and every key.
 */
export function ensureStateDir(stateDir: string, ...sub: string[]): string {
  const dir = path.join(stateDir, ...sub);
  // Embedded PostgreSQL runs as the unprivileged `postgres` user and must be able to traverse this folder.
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  return dir;
}

/** Reads a secret kept in the state folder, creating it on first use. Secrets never leave this file and the env. */
export function stateSecret(stateDir: string, name: string, generate: () => string): string {
  const file = path.join(ensureStateDir(stateDir, 'secrets'), name);
  if (!existsSync(file)) {
    writeFileSync(file, generate() + '\n', { mode: 0o600 });
  }
  chmodSync(path.join(stateDir, 'secrets'), 0o700);
  return readFileSync(file, 'utf8').trim();
}

export const randomToken = (bytes: number): string => randomBytes(bytes).toString('base64');

/** Replaces a file in one step (written beside it, then renamed), so a reader never sees it half-written. */
function writeFileAtomic(file: string, content: string): void {
  const staged = `${file}.${process.pid}.tmp`;
  writeFileSync(staged, content);
  renameSync(staged, file);
}

/** A JSON document a stand-in keeps in its folder: read once when it starts, written whole after each change. */
export function keptJson<T>(file: string, initial: T): { value: T; save(): void } {
  const value: T = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : initial;
  return { value, save: () => writeFileAtomic(file, JSON.stringify(value, null, 2)) };
}
