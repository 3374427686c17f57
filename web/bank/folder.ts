import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { BankStatements } from './statements';

/** How often the folder is looked at. */
const EVERY_MS = 5_000;
/** A file younger than this may still be being written: it is taken at a later look. */
const SETTLED_MS = 2_000;

/**
 * Watches the folder the bank's software drops statements into (`BANK_STATEMENT_DIR`): each file is imported as an
 * upload is, then moved to `imported/`, or to `refused/` beside a `.why.txt` saying what is wrong, so a person finds it
 * and the folder holds only what is new. A file the database could not take (officeflow's own trouble) stays for the
 * next look.
 */
export function statementFolder(dir: string, statements: BankStatements, log: Logger) {
  for (const sub of ['imported', 'refused']) mkdirSync(path.join(dir, sub), { recursive: true });
  let looking: Promise<void> | undefined;
  const look = async () => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      const stat = statSync(file, { throwIfNoEntry: false });
      if (!stat?.isFile() || name.startsWith('.') || Date.now() - stat.mtimeMs < SETTLED_MS) continue;
      try {
        const imported = await statements.importFile({ fileName: name.slice(0, 200), bytes: readFileSync(file), receivedBy: 'folder' });
        const to = path.join(dir, imported.outcome, `${imported.fileId.slice(0, 12)}-${name}`);
        renameSync(file, to);
        if (imported.reason) writeFileSync(`${to}.why.txt`, `${imported.reason}\n`);
        log.info(
          { file: name, outcome: imported.outcome, newLines: imported.newLines, reason: imported.reason },
          'a bank statement from the folder',
        );
      } catch (error) {
        log.warn({ err: error, file: name }, 'a bank statement from the folder will be tried again');
      }
    }
  };
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
