import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../config';
import { BankLineKind } from '../contracts/bank';
import { localIntakeUrl } from './engine';
import { addListingCommand } from './listing';
import { CommandRefused, EXIT, type OutputOptions, answer } from './output';
import { type Identity, askingAs, request, tokenFor } from './tasks';

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
  const bank = program
    .command('bank')
    .description('bank statements: import them, list them and their lines; refunds: ask for a run, list the runs');
  askingAs(
    bank
      .command('import')
      .description('import bank statements (camt.052/053/054, MT940): each payment is matched to the invoices it pays')
      .argument('<files...>', 'statement files'),
    'an operator',
  ).action(async (files: string[], options: Identity & OutputOptions & { intake?: string }) => {
    const token = await tokenFor(config(), options);
    const results: Array<Imported | { fileName: string; refused: string }> = [];
    for (const file of files) {
      const url = new URL('/bank/statements', options.intake ?? localIntakeUrl(config()));
      url.searchParams.set('name', path.basename(file));
      // Each file on its own: one refused does not keep the rest out.
      const answered = await request(url.href, token, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: readFileSync(file),
      }).then(
        async (response) => (await response.json()) as Imported,
        (error: unknown) => {
          if (!(error instanceof CommandRefused) || error.exitCode === EXIT.unreachable) throw error;
          return { fileName: path.basename(file), refused: error.message };
        },
      );
      results.push(answered);
    }
    const refused = results.filter((result) => 'refused' in result);
    answer(options, results, (all) => all.map((r) => ('refused' in r ? `${r.fileName}: ${r.refused}` : said(r))).join('\n'));
    if (refused.length) process.exitCode = EXIT.refused;
  });
  askingAs(
    bank
      .command('refunds')
      .description('ask for a refund run: what customers are owed back, in one SEPA file a second person in Finance releases')
      .option('--customer <number...>', 'only these customers’ refunds (customer numbers)')
      .option('--run <id>', 'the run’s id (default: RR- and the time); asking again with it is the same run'),
    'an owner of refund-run',
  ).action(async (options: Identity & OutputOptions & { customer?: string[]; run?: string; intake?: string }) => {
    const url = new URL('/bank/refund-runs', options.intake ?? localIntakeUrl(config()));
    if (options.run) url.searchParams.set('runId', options.run);
    for (const customer of options.customer ?? []) url.searchParams.append('customer', customer);
    const response = await request(url.href, await tokenFor(config(), options), { method: 'POST' });
    const asked = (await response.json()) as { runId: string; workflowId: string; new: boolean };
    answer(
      options,
      asked,
      ({ runId, workflowId, new: fresh }) =>
        `${fresh ? 'asked for' : 'already asked for'} refund run ${runId} (${workflowId}): its release waits in Finance's tasks`,
    );
  });
  addListingCommand(bank, config, {
    name: 'refund-runs',
    description: 'list the refund runs, newest first: their transfers, total and who released or rejected them',
    path: '/bank/refund-runs',
    filters: {},
    columns: {
      createdAt: 'CREATED',
      runId: 'RUN',
      status: 'STATUS',
      transfers: 'TRANSFERS',
      total: 'TOTAL',
      currency: 'CCY',
      requestedBy: 'ASKED BY',
      decidedBy: 'DECIDED BY',
    },
    empty: 'no refund runs',
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
