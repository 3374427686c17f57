import { createSpinner } from 'nanospinner';

/**
 * How the CLI answers: a table or a few lines for people, JSON for scripts (`--json`), one-line errors, and exit codes
 * a script can tell apart.
 */

export const EXIT = {
  /** The engine refused (a decided task, a run that cannot be reset) or the command failed. */
  refused: 1,
  /** The command line is wrong (an unknown option, a missing argument). */
  usage: 2,
  /** No run, task or document has that key. */
  notFound: 3,
  /** The engine (intake or Temporal) is not reachable. */
  unreachable: 4,
} as const;

/** A refusal to show a person as it is, without a stack trace, with the exit code it ends the command with. */
export class CommandRefused extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.refused,
  ) {
    super(message);
  }
}

export interface OutputOptions {
  json?: boolean;
}

/** Prints a command's answer: the value as JSON with `--json`, else the lines `human` makes of it. */
export function answer<T>(options: OutputOptions, value: T, human: (value: T) => string): void {
  console.log(options.json ? JSON.stringify(value, null, 2) : human(value));
}

type Cell = string | number | boolean | undefined | null;

/** Rows as an aligned plain-text table under their column headings; `empty` when there are none. */
export function table(rows: Array<Record<string, Cell>>, columns: Record<string, string>, empty: string): string {
  if (rows.length === 0) return empty;
  const keys = Object.keys(columns);
  const text = (cell: Cell) => (cell === undefined || cell === null || cell === '' ? '-' : String(cell));
  const widths = keys.map((key) => Math.max(columns[key].length, ...rows.map((row) => text(row[key]).length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(keys.map((key) => columns[key])), ...rows.map((row) => line(keys.map((key) => text(row[key]))))].join('\n');
}

/**
 * Runs `work` with a spinner on the terminal (stderr, only when it is one and not for `--json`), so anything that
 * takes more than a moment shows it is busy; the spinner ends with success or the error's message.
 */
export async function busy<T>(label: string, options: OutputOptions, work: () => Promise<T>): Promise<T> {
  if (options.json || !process.stderr.isTTY) return work();
  const spinner = createSpinner(label, { stream: process.stderr }).start();
  try {
    const result = await work();
    spinner.success();
    return result;
  } catch (error) {
    spinner.error({ text: `${label}: ${(error as Error).message}` });
    throw error;
  }
}
