import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Config } from '../config';
import { EVENT_LOG_FORMATS } from '../web/event-log';
import { localIntakeUrl } from './engine';
import { type OutputOptions, answer, busy } from './output';
import { sinceOf } from './since';
import { type Identity, askingAs, request, tokenFor } from './tasks';

/** `officeflow export-log --format ocel2-json|ocel2-sqlite|xes --out <file>`: the event log for process-mining tools. */
export function addExportLogCommand(program: Command, config: () => Config): void {
  askingAs(
    program
      .command('export-log')
      .description('the event log for process-mining tools: OCEL 2.0 (JSON or SQLite) or XES')
      .requiredOption('--format <format>', EVENT_LOG_FORMATS.join(', '))
      .requiredOption('--out <file>', 'where to write it')
      .option('--process <name>', 'one process (default: every process, as an object-centric log follows objects across them)')
      .option('--since <span|time>', 'runs started since: a span (30d, 12h) or a time', '30d'),
    'an operator, an auditor, or the process’s owner for --process',
  ).action(
    async (options: OutputOptions & Identity & { intake?: string; format: string; out: string; process?: string; since: string }) => {
      const url = new URL('/event-log', options.intake ?? localIntakeUrl(config()));
      url.searchParams.set('format', options.format);
      url.searchParams.set('since', sinceOf(options.since).toISOString());
      if (options.process) url.searchParams.set('process', options.process);
      const bytes = await busy('exporting the event log', options, async () =>
        Buffer.from(await (await request(url.href, await tokenFor(config(), options))).arrayBuffer()),
      );
      await writeFile(options.out, bytes);
      answer(
        options,
        { file: options.out, format: options.format, bytes: bytes.length },
        (r) => `${r.file}: ${r.format}, ${r.bytes} bytes`,
      );
    },
  );
}
