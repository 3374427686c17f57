import { addBankCommands } from './bank';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { type Config, ConfigError, loadConfig } from '../config';
import { generateIdentityKey } from '../web/identity';
import { generateWebhookSecret } from '../web/events/webhook-auth';
import { runDemo } from './demo';
import { addDeployCommands } from './deploy';
import { addDocumentCommand } from './documents';
import { addNewCommands } from './new';
import { CommandRefused, EXIT } from './output';
import { addProcessCommands } from './processes';
import { addOperatorActionsCommand } from './operator-actions';
import { addSourceEventsCommand } from './source-events';
import { addRepairCommands } from './repair';
import { addRepairBatchCommands } from './repair-batch';
import { addRunCommands } from './runs';
import { addScheduleCommands } from './schedules';
import { addExportLogCommand } from './event-log';
import { addInsightCommands } from './insights';
import { addObjectViewCommands } from './object-views';
import { addSessionCommands } from './sessions';
import { addSystemCommands } from './systems';
import { addTaskCommands } from './tasks';

/** The engine's own commands, loaded when one runs: the rest start without the engine's code. */
const serve = () => import('./serve.js');

const program = new Command('officeflow')
  .description('Cross-office business processes on Temporal')
  // Usage errors exit with 2, apart from the engine's refusals (1); help and --version with 0.
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT.usage));

program
  .command('up')
  .description('run the engine: local infrastructure where none is configured, the workers and the event intake')
  .addOption(
    new Option('--only <part>', 'run only the workers, the intake (with the codec endpoint) or the codec endpoint').choices([
      'worker',
      'intake',
      'codec',
    ]),
  )
  .action(async (options: { only?: 'worker' | 'intake' | 'codec' }) => (await serve()).up(options));

program
  .command('infra')
  .description('start only the infrastructure (Temporal, PostgreSQL, stand-ins) and migrate; the test suite uses this')
  .option('--settings-file <path>', 'write the environment variables that point at it as JSON to this file once ready')
  .option('--stop-when-stdin-closes', 'stop when the parent process goes away (test runs)')
  .action(async (options: { settingsFile?: string; stopWhenStdinCloses?: boolean }) => (await serve()).infra(options));

program
  .command('standins')
  .description('run only the stand-ins of the systems not configured (CRM, portals, e-signature, mail sink), as in docker-compose.yml')
  .option('--host <address>', 'the address to listen on', '127.0.0.1')
  .action(async (options: { host: string }) => (await serve()).standins(options));

program
  .command('bundle')
  .description('bundle the workflows once, for workers to start from (WORKFLOW_BUNDLE) instead of bundling each time')
  .requiredOption('--out <file>', 'where to write the bundle')
  .action(async (options: { out: string }) => (await serve()).bundle(options));

program
  .command('temporal-setup')
  .description('make the Temporal cluster at TEMPORAL_ADDRESS ready: the namespace with its retention, every search attribute')
  .action(async () => (await serve()).temporalSetup());

program
  .command('migrate')
  .description('apply pending database migrations to DATABASE_URL')
  .option('--demo-data', 'also add the demo catalog (products the sample deals order), where it is missing')
  .action(async (options: { demoData?: boolean }) => (await serve()).migrateDatabase(options));

program
  .command('secrets')
  .description('print new secrets for a deployment, as lines of a .env file (docker-compose.yml reads them)')
  .action(() => {
    console.log(`WEBHOOK_SECRETS=${generateWebhookSecret()}`);
    console.log(`OFFICEFLOW_ENCRYPTION_KEY=${randomBytes(32).toString('base64')}`);
    console.log(`OFFICEFLOW_IDENTITY_KEY='${generateIdentityKey()}'`);
  });

program
  .command('demo')
  .description('send the sample front-office events of every process to a running engine and follow the runs')
  .option('--intake <url>', 'the event intake to send to (default: the local one)')
  .action((options: { intake?: string }) => runDemo(clientConfig(), options.intake));

addProcessCommands(program, clientConfig);
addRunCommands(program, clientConfig);
addRepairCommands(program, clientConfig);
addOperatorActionsCommand(program, clientConfig);
addScheduleCommands(program, clientConfig);
addInsightCommands(program, clientConfig);
addObjectViewCommands(program, clientConfig);
addExportLogCommand(program, clientConfig);
addRepairBatchCommands(program, clientConfig);
addSystemCommands(program, clientConfig);
addDeployCommands(program, clientConfig);
addSourceEventsCommand(program, clientConfig);
addBankCommands(program, clientConfig);
addTaskCommands(program, clientConfig);
addSessionCommands(program, clientConfig);
addDocumentCommand(program, clientConfig);
addNewCommands(program);

/**
 * The settings of a command that talks to a running officeflow (demo, tasks, decide, document): the environment,
 * and where there is one, the `.env` file a Docker Compose stack was started with, so its secrets need no exporting.
 * (The engine's own commands never read it: a test run must not reach the stack's Temporal.)
 */
function clientConfig(): Config {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return loadConfig();
}

program.parseAsync().catch((err: unknown) => {
  if (err instanceof CommandRefused) {
    console.error(err.message);
    process.exit(err.exitCode);
  }
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(EXIT.refused);
});
