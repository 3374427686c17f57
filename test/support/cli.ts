import { execFile } from 'node:child_process';
import path from 'node:path';
import type { TestEngine } from './engine';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const root = path.resolve(__dirname, '../..');

/** `officeflow <args>` as a person or script runs it against the test engine: its exit code and what it printed. */
export function officeflowCli(engine: TestEngine) {
  const run = (...args: string[]): Promise<CliResult> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'cli/main.ts', ...args],
        { cwd: root, env: { ...process.env, ...engine.env } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  return {
    run,
    /** The command's `--json` answer, parsed; fails the test with what it printed when it did not succeed. */
    async json<T = Record<string, unknown>>(...args: string[]): Promise<T> {
      const result = await run(...args, '--json');
      if (result.code !== 0) throw new Error(`officeflow ${args.join(' ')} exited ${result.code}: ${result.stderr}${result.stdout}`);
      return JSON.parse(result.stdout) as T;
    },
  };
}
