import type { Command } from 'commander';
import type { Config } from '../config';
import type { DeploymentStatus } from '../web/deployment';
import { type OutputOptions, answer, busy, table } from './output';
import { type Identity, askIntake, askingAs } from './tasks';

type DeployOptions = OutputOptions & Identity & { intake?: string; reason: string; percent?: number };

function statusText(status: DeploymentStatus): string {
  const rows = status.builds.map((build) => ({
    ...build,
    serves:
      build.buildId === status.current
        ? 'new runs'
        : build.buildId === status.ramping?.buildId
          ? `${status.ramping.percent}% of new runs`
          : '-',
  }));
  return [
    `deployment ${status.deployment}: ${status.current ? `current build ${status.current}` : 'no versioned build yet (WORKER_BUILD_ID unset)'}`,
    table(rows, { buildId: 'BUILD', status: 'STATUS', serves: 'SERVES', runs: 'RUNNING RUNS' }, 'no builds'),
  ].join('\n');
}

/**
 * `officeflow deploy status|current|ramp|retire`: which builds serve, how many runs each still holds, and moving new runs
 * to a build (all at once, or a share of them first), back to the previous one (a rollback), and retiring a drained one.
 */
export function addDeployCommands(program: Command, config: () => Config): void {
  const deploy = askingAs(
    program.command('deploy').description('the builds of the workers (Worker Versioning): status, current, ramp, retire'),
    'an operator; an auditor for status',
  );
  // `--as`, `--token`, `--intake` and `--json` are `deploy`'s options: commander reads them wherever they stand.
  const optionsOf = (command: Command) => command.optsWithGlobals<DeployOptions>();
  const ask = (options: DeployOptions, path: string, body?: object) =>
    busy(`deployment ${path}`, options, () => askIntake<DeploymentStatus>(config(), options, `/deployment${path}`, body));

  deploy
    .command('status')
    .description('which builds serve new runs, and how many runs each still holds')
    .action(async (_options: object, command: Command) => {
      const options = optionsOf(command);
      answer(options, await ask(options, ''), statusText);
    });
  const move = (name: string, description: string) =>
    deploy
      .command(name)
      .description(description)
      .argument('<build>', 'a build id, as the workers’ WORKER_BUILD_ID gives it')
      .requiredOption('--reason <text>', 'why: kept in the operator log');
  move('current', 'new runs go to this build (a rollback: the previous build); pinned runs stay where they started').action(
    async (buildId: string, _options: object, command: Command) => {
      const options = optionsOf(command);
      answer(options, await ask(options, '/current', { buildId, reason: options.reason }), statusText);
    },
  );
  move('ramp', 'a share of new runs go to this build, the rest to the current one')
    .requiredOption('--percent <n>', 'the share of new runs, 0 to 100', Number.parseFloat)
    .action(async (buildId: string, _options: object, command: Command) => {
      const options = optionsOf(command);
      answer(options, await ask(options, '/ramp', { buildId, percent: options.percent, reason: options.reason }), statusText);
    });
  move('retire', 'forget a build no run needs any more (stop its workers first)').action(
    async (buildId: string, _options: object, command: Command) => {
      const options = optionsOf(command);
      answer(options, await ask(options, '/retire', { buildId, reason: options.reason }), statusText);
    },
  );
}
