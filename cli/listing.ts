import type { Command } from 'commander';
import type { Config } from '../config';
import { type OutputOptions, answer, table } from './output';
import { type Identity, askIntake, askingAs } from './tasks';

/** A list the intake keeps for operators and auditors, as a command: its filters become options and query parameters. */
export interface Listing {
  name: string;
  description: string;
  /** The intake's route, e.g. `/operator-actions`. */
  path: string;
  /** Options that filter it, by query parameter: `{ since: '--since <time>', … }` with what each means. */
  filters: Record<string, [flags: string, description: string]>;
  /** The table's columns by field, and what the table says when it is empty. */
  columns: Record<string, string>;
  empty: string;
}

/** Adds a listing command: who asks (`--as`/`--token`), which engine (`--intake`), a table or `--json`. */
export function addListingCommand(program: Command, config: () => Config, listing: Listing): Command {
  const command = askingAs(program.command(listing.name).description(listing.description), 'an auditor or operator');
  for (const [flags, description] of Object.values(listing.filters)) command.option(flags, description);
  command.action(async (options: Identity & OutputOptions & { intake?: string } & Record<string, string | undefined>) => {
    const filters = new URLSearchParams();
    for (const parameter of Object.keys(listing.filters)) {
      const value = options[parameter];
      if (value) filters.set(parameter, value);
    }
    const query = filters.size > 0 ? `?${filters}` : '';
    const rows = await askIntake<Array<Record<string, string>>>(config(), options, `${listing.path}${query}`);
    answer(options, rows, () => table(rows, listing.columns, listing.empty));
  });
  return command;
}
