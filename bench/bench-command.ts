import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import pino from 'pino';
import { installTemporalRuntime } from '../infra/logger';
import { startLocalCluster } from '../engine/local-cluster';
import { TEMPORAL_SERVER_VERSION } from '../infra/temporal-server';
import { freshStateDir } from '../test/support/local-env';
import { FULL, SMOKE, runBench } from './bench';
import { html, markdown } from './results';

const program = new Command('bench')
  .description('measure officeflow against bare Temporal on a fresh local engine, and write the results (JSON, Markdown, HTML chart)')
  .option('--smoke', 'every measurement, a few runs each (a minute or two)')
  .option('--out <dir>', 'where the results go', 'bench-results')
  .option('--parked <n>', 'runs to park on a human task (the longest part: the dev server parks a few a second)')
  .option('--set <KEY=VALUE...>', 'settings for the engine, e.g. BROWSER_PAGES=2 WORKER_CACHED_WORKFLOWS=1000', [])
  .option(
    '--server-config <KEY=VALUE...>',
    "dynamic configuration for --cluster's Temporal server beyond deploy/temporal/dynamicconfig.yaml, e.g. history.shardIOConcurrency=4",
    [],
  )
  .option(
    '--cluster',
    `on the Temporal server itself (${TEMPORAL_SERVER_VERSION}, built from Go modules, on PostgreSQL) instead of the dev server`,
  )
  .parse();
const options = program.opts<{
  smoke?: boolean;
  out: string;
  parked?: string;
  set: string[];
  serverConfig: string[];
  cluster?: boolean;
}>();

/** `KEY=VALUE` pairs as given to `option`. */
const pairs = (given: string[], option: string): Array<[string, string]> =>
  given.map((pair) => {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`${option} ${pair}: write KEY=VALUE`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  });

async function main(): Promise<void> {
  const log = pino({ level: 'error' });
  installTemporalRuntime(log);
  const settings = Object.fromEntries(pairs(options.set, '--set'));
  const began = Date.now();
  const plan = { ...(options.smoke ? SMOKE : FULL), ...(options.parked ? { parked: Number(options.parked) } : {}) };
  mkdirSync(options.out, { recursive: true });
  const base = path.join(options.out, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}${options.smoke ? '-smoke' : ''}`);
  const say = (line: string) => console.log(`[${Math.round((Date.now() - began) / 1000)} s] ${line}`);
  const cluster = options.cluster
    ? await startLocalCluster(freshStateDir('officeflow-bench-cluster-'), log, say, pairs(options.serverConfig, '--server-config'))
    : undefined;
  try {
    const report = await runBench(plan, log, {
      say,
      save: (partial) => writeFileSync(`${base}.json`, JSON.stringify(partial, null, 2)),
      settings,
      cluster,
    });
    const tables = markdown(report);
    writeFileSync(`${base}.md`, tables);
    writeFileSync(`${base}.html`, html(report, tables));
    console.log(`\n${tables}\nwritten: ${base}.json, .md, .html`);
  } finally {
    await cluster?.stop();
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
