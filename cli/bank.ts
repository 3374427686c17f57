import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../config';
import { BankLineKind } from '../contracts/bank';
import { localIntakeUrl } from './engine';
import { addListingCommand } from './listing';
import { type OutputOptions, answer } from './output';
import { type Identity, request, tokenFor, tokenOption } from './tasks';

interface Imported {
  fileName: string;
  alreadyImported?: boolean;
  format?: string;
  checkedAgainst?: string;
  newLines: Record<string, number>;
  knownLines: number;
}

/** How an import reads: what came in, and what was already there. */
const said = (imported: Imported) => {
  const lines = Object.entries(imported.newLines).map(([kind, count]) => `${count} ${kind}`);
  const checked = imported.checkedAgainst ? `, checked against ${imported.checkedAgainst}` : '';
  return imported.alreadyImported
    ? `${imported.fileName}: imported before, nothing new`
    : `${imported.fileName} (${imported.format}${checked}): ${lines.join(', ') || 'no new line'}${imported.knownLines ? `; ${imported.knownLines} already imported` : ''}`;
};

/** `officeflow bank`: bank statements into the engine, and what they brought, for operators and Finance. */
export function addBankCommands(program: Command, config: () => Config): void {
  const bank = program.command('bank').description('bank statements: import them, list them and their lines');
  bank
    .command('import')
    .description('import bank statements (camt.052/053/054, MT940): each payment is matched to the invoices it pays')
    .argument('<files...>', 'statement files')
    .option('--as <email>', 'who you are (an operator), where officeflow signs tokens itself')
    .addOption(tokenOption())
    .option('--intake <url>', 'the engine to ask (default: the local one)')
    .option('--json', 'print JSON, for scripts')
    .action(async (files: string[], options: Identity & OutputOptions & { intake?: string }) => {
      const token = await tokenFor(config(), options);
      const results: Imported[] = [];
      for (const file of files) {
        const url = new URL('/bank/statements', options.intake ?? localIntakeUrl(config()));
        url.searchParams.set('name', path.basename(file));
        const response = await request(url.href, token, {
          method: 'POST',
          headers: { 'content-type': 'application/octet-stream' },
          body: readFileSync(file),
        });
        results.push((await response.json()) as Imported);
      }
      answer(options, results, (all) => all.map(said).join('\n'));
    });
  addListingCommand(bank, config, {
    name: 'statements',
    description: 'list the statement files officeflow was given, newest first, and what became of each',
    path: '/bank/statements',
    filters: {},
    columns: { receivedAt: 'RECEIVED', fileName: 'FILE', outcome: 'OUTCOME', format: 'FORMAT', lines: 'LINES', reason: 'WHY' },
    empty: 'no bank statements',
  });
  addListingCommand(bank, config, {
    name: 'lines',
    description: 'list the bookings bank statements brought, newest first, and the invoices each payment was applied to',
    path: '/bank/lines',
    filters: { kind: ['--kind <kind>', `only these: ${BankLineKind.options.join(', ')}`] },
    columns: {
      bookedOn: 'BOOKED',
      kind: 'KIND',
      amount: 'AMOUNT',
      currency: 'CCY',
      counterparty: 'FROM/TO',
      text: 'TEXT',
      appliedTo: 'APPLIED TO',
    },
    empty: 'no bank lines',
  });
}
