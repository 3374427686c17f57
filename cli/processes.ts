import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../config';
import { bindingFor, processes } from '../definitions';
import { exampleEvent, processCatalog } from '../web/events/catalog';
import type { CloudEvent } from '../web/events/cloudevent';
import { sendEvent } from '../web/events/send';
import { localIntakeUrl, webhookSecret } from './engine';
import { CommandRefused, EXIT, type OutputOptions, answer, busy, table } from './output';

/** `officeflow processes` and `officeflow send`: what the engine runs, and a front-office event sent by hand. */
export function addProcessCommands(program: Command, config: () => Config): void {
  program
    .command('processes')
    .description('list the processes and the events that start or signal them')
    .option('--json', 'print the catalog as JSON (as GET /processes serves it), for scripts')
    .action((options: OutputOptions) => {
      answer(options, processCatalog(processes), (catalog) =>
        catalog
          .map((process) =>
            [
              `${process.name} (task queue ${process.taskQueue})`,
              `  ${process.description}`,
              ...process.triggers.map((trigger) => `  ${trigger.type.padEnd(32)} ${trigger.action}`),
            ].join('\n'),
          )
          .join('\n\n'),
      );
    });

  program
    .command('send')
    .description('send a signed front-office event to the intake: from a file, or the catalog’s example of its type')
    .argument('[type]', 'the event type, e.g. crm.deal.closed_won, to send the catalog’s example')
    .option('--file <path>', 'a CloudEvent as JSON (structured mode); - reads standard input')
    .option('--intake <url>', 'the intake to send to (default: the local one)')
    .option('--json', 'print the intake’s answer as JSON, for scripts')
    .action(async (type: string | undefined, options: OutputOptions & { file?: string; intake?: string }) => {
      const event = options.file ? eventFromFile(options.file) : catalogExample(type);
      const intakeUrl = options.intake ?? localIntakeUrl(config());
      const { status, body } = await busy(`sending ${event.type}`, options, () =>
        sendEvent(intakeUrl, webhookSecret(config()), event).catch(() => {
          throw new CommandRefused(`the intake is not reachable at ${intakeUrl}: is officeflow running (npm start)?`, EXIT.unreachable);
        }),
      );
      const accepted = status < 300;
      answer(options, { status, ...(body as object) }, () => describeAnswer(status, body));
      if (!accepted) process.exitCode = EXIT.refused;
    });
}

function eventFromFile(file: string): CloudEvent {
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  try {
    return JSON.parse(text) as CloudEvent;
  } catch (error) {
    throw new CommandRefused(`${file} is not JSON: ${(error as Error).message}`, EXIT.usage);
  }
}

function catalogExample(type: string | undefined): CloudEvent {
  if (!type) throw new CommandRefused('name an event type, or pass --file (officeflow processes lists the types)', EXIT.usage);
  const binding = bindingFor(type);
  if (!binding) throw new CommandRefused(`no process is bound to event type "${type}" (officeflow processes lists them)`, EXIT.usage);
  return exampleEvent(binding.trigger);
}

/** The intake's answer in a line or two: what it started or signalled, or why it refused, field by field. */
function describeAnswer(status: number, body: unknown): string {
  const answered = body as {
    workflowId?: string;
    signal?: string;
    duplicate?: boolean;
    message?: string;
    fields?: Array<{ field: string; message: string }>;
  };
  if (status >= 300) {
    const fields = table(answered.fields ?? [], { field: 'FIELD', message: 'PROBLEM' }, '');
    return [`refused (${status}): ${answered.message ?? ''}`, fields].filter(Boolean).join('\n');
  }
  const what = answered.signal ? `signalled ${answered.signal} to` : 'started';
  return `${answered.duplicate ? 'duplicate, already ' : ''}${what} ${answered.workflowId}`;
}
