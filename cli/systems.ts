import type { Command } from 'commander';
import type { Config } from '../config';
import { RELEASE_PER_SECOND } from '../contracts/system-pauses';
import type { SystemState } from '../web/system-pauses';
import { addListingCommand } from './listing';
import { type OutputOptions, answer, busy } from './output';
import { type Identity, askIntake, askingAs } from './tasks';

interface ChangeOptions extends OutputOptions, Identity {
  reason: string;
  intake?: string;
  rate?: number;
}

/**
 * `officeflow systems`, `pause <system>` and `resume <system>`: holding every step of a system that is down, so runs
 * wait for it instead of failing or spending their retries, and letting them go, at a bounded rate, once it is back.
 */
export function addSystemCommands(program: Command, config: () => Config): void {
  addListingCommand(program, config, {
    name: 'systems',
    description: 'list the connected systems: running, paused (and why, by whom) or resuming, and how many steps each holds',
    path: '/systems',
    filters: {},
    columns: { system: 'SYSTEM', state: 'STATE', held: 'HELD', reason: 'WHY', pausedBy: 'BY', pausedAt: 'SINCE' },
    empty: 'no systems',
  });

  const change = (name: string, description: string) =>
    askingAs(
      program
        .command(name)
        .description(description)
        .argument('<system>', 'as `officeflow systems` lists it, e.g. legacy-erp')
        .requiredOption('--reason <text>', 'why: shown with every held step, and kept in the operator log'),
      'an operator',
    );
  const post = (system: string, action: string, options: ChangeOptions, body: object = {}) =>
    busy(`${action} ${system}`, options, () =>
      askIntake<SystemState>(config(), options, `/systems/${encodeURIComponent(system)}/${action}`, { reason: options.reason, ...body }),
    );

  change('pause', 'hold every step of a system that is down: runs wait for it, failing nothing and spending no retries').action(
    async (system: string, options: ChangeOptions) =>
      answer(options, await post(system, 'pause', options), (s) => `${s.system} paused: its steps are held from now on (${s.held} held)`),
  );
  change('resume', 'let a paused system’s held steps go, a few a second, their attempts counted afresh')
    .option('--rate <n>', 'held steps let go per second', Number.parseFloat, RELEASE_PER_SECOND)
    .action(async (system: string, options: ChangeOptions) =>
      answer(
        options,
        await post(system, 'resume', options, { perSecond: options.rate }),
        (s) => `${s.system} resuming: ${s.held} held step(s) go, ${options.rate} a second`,
      ),
    );
}
