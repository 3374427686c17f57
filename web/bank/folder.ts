import { lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { BankStatements } from './statements';

/** How often the folder is looked at. */
const EVERY_MS = 5_000;
/** The largest statement taken (a year of a busy account is a few megabytes). */
const MAX_BYTES = 50 * 1024 * 1024;
/** A file the import keeps failing on (not a refusal: officeflow's own trouble) is set aside after this many looks. */
const MAX_FAILURES = 5;
/** Names of files still being written by the usual tools (SFTP, rsync, browsers). */
const UNFINISHED = /^\.|\.(part|partial|tmp|crdownload)$/i;

/**
 * Watches the folder the bank's software drops statements into (`BANK_STATEMENT_DIR`): each file is imported as an
 * upload is, then moved to `imported/`, or to `refused/` beside a `.why.txt` saying what is wrong, so a person finds it
 * and the folder holds only what is new. A file is taken once its size and time stood still between two looks (a
 * slow upload is not read half-written); one the import keeps failing on goes to `failed/`; links are not followed.
 */
export function statementFolder(dir: string, statements: BankStatements, log: Logger) {
  for (const sub of ['imported', 'refused', 'failed']) mkdirSync(path.join(dir, sub), { recursive: true });
  const seen = new Map<string, string>();
  const failures = new Map<string, number>();
  const setAside = (name: string, sub: string, prefix: string, why?: string) => {
    const to = path.join(dir, sub, `${prefix}-${name}`);
    renameSync(path.join(dir, name), to);
    if (why) writeFileSync(`${to}.why.txt`, `${why}\n`);
  };

  const take = async (name: string) => {
    const imported = await statements.importFile({
      fileName: name.slice(0, 200),
      bytes: readFileSync(path.join(dir, name)),
      receivedBy: 'folder',
    });
    setAside(name, imported.outcome, imported.fileId.slice(0, 12), imported.reason);
    log.info({ fileId: imported.fileId, outcome: imported.outcome, newLines: imported.newLines }, 'a bank statement from the folder');
  };

  const look = async () => {
    for (const name of readdirSync(dir)) {
      const stat = lstatSync(path.join(dir, name), { throwIfNoEntry: false });
      if (!stat?.isFile() || UNFINISHED.test(name)) continue;
      // Taken once it stood still since the last look.
      const state = `${stat.size}:${stat.mtimeMs}`;
      if (seen.get(name) !== state) {
        seen.set(name, state);
        continue;
      }
      seen.delete(name);
      try {
        if (stat.size > MAX_BYTES) setAside(name, 'refused', 'too-large', `${name}: larger than ${MAX_BYTES / 1024 / 1024} MB`);
        else await take(name);
        failures.delete(name);
      } catch (error) {
        const count = (failures.get(name) ?? 0) + 1;
        failures.set(name, count);
        log.warn({ err: error, attempt: count }, 'a bank statement from the folder could not be imported');
        if (count >= MAX_FAILURES) {
          setAside(name, 'failed', `${Date.now()}`, `${name}: officeflow could not import it: ${(error as Error).message}`);
          failures.delete(name);
        }
      }
    }
  };
  let looking: Promise<void> | undefined;
  const timer = setInterval(() => {
    looking ??= look().finally(() => (looking = undefined));
  }, EVERY_MS);
  return {
    /** Stops watching, once a look under way has ended. */
    async stop() {
      clearInterval(timer);
      await looking;
    },
  };
}
