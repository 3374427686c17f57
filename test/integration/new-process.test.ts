import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { stateDir } from '../support/engine';
import { freshStateDir } from '../support/local-env';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

/** This repository's files as a fresh clone would have them (with what is not committed yet), its packages linked. */
async function copyOfTheRepository(): Promise<string> {
  const copy = freshStateDir('officeflow-new-process-');
  const { stdout } = await run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, maxBuffer: 16 << 20 });
  for (const file of stdout.split('\0').filter(Boolean)) {
    mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    try {
      copyFileSync(path.join(ROOT, file), path.join(copy, file));
    } catch {
      // Deleted in the working tree, not yet in git.
    }
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
  return copy;
}

/**
 * A process owner's first step, as they would take it: `officeflow new process` in a clone, then the types, the
 * process's own integration test (against this run's servers), the definition checks and its demo, unchanged.
 */
it('writes a new process and a new system that type-check, register themselves, and pass their own tests (and the demo) as generated', async () => {
  const copy = await copyOfTheRepository();
  const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { cwd: copy });
  const { stdout } = await cli('new', 'process', 'travel-request', '--event', 'hr.travel_request.submitted');
  expect(stdout).toContain(
    'wrote contracts/travel-request.ts, workflows/travel-request.ts, definitions/travel-request.ts, test/integration/travel-request.test.ts, definitions/index.ts',
  );
  expect(readFileSync(path.join(copy, 'definitions/index.ts'), 'utf8')).toMatch(
    /import travelRequest from '.\/travel-request';[\s\S]+ {2}travelRequest,\n\]/,
  );
  await expect(cli('new', 'process', 'travel-request')).rejects.toMatchObject({ stderr: expect.stringContaining('exists already') });
  // And a system it may talk to, registered with its activity's summary.
  expect((await cli('new', 'system', 'travel-desk')).stdout).toContain(
    'wrote activities/travel-desk/index.ts, activities/travel-desk/connector.ts, activities/travel-desk/stand-in.ts, test/integration/travel-desk.test.ts, activities/index.ts, workflows/activity-summaries.ts',
  );

  await run('npx', ['--no-install', 'tsc', '--noEmit'], { cwd: copy });

  // The copy's tests run on this run's servers, with a workflow bundle of the copy's own processes.
  const state = freshStateDir('officeflow-new-process-state-');
  // The new system has no stand-in among them: an address of its own, which the process's runs never call (the
  // system's test starts its stand-in itself).
  const servers = JSON.parse(readFileSync(path.join(stateDir(), 'test-env.json'), 'utf8'));
  writeFileSync(path.join(state, 'test-env.json'), JSON.stringify({ ...servers, TRAVEL_DESK_URL: 'http://127.0.0.1:9' }));
  await run(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `require('./workers/worker').bundleWorkflows().then((b) => require('node:fs').writeFileSync(${JSON.stringify(path.join(state, 'workflow-bundle.js'))}, b.code))`,
    ],
    { cwd: copy },
  );
  const noSetup = path.join(copy, 'test/support/no-servers.ts');
  const tests = [
    'test/integration/travel-request.test.ts',
    'test/integration/travel-desk.test.ts',
    'test/unit/definitions.test.ts',
    'test/integration/demo.test.ts',
  ];
  const jest = await run(
    'npx',
    [
      '--no-install',
      'jest',
      '--runInBand',
      `--globalSetup=${noSetup}`,
      `--globalTeardown=${noSetup}`,
      '-t',
      'Travel request|travel-request|Travel desk',
      ...tests,
    ],
    { cwd: copy, env: { ...process.env, OFFICEFLOW_TEST_STATE: state } },
  ).catch((failed: { stderr: string }) => failed);
  // The process's two tests, its demo and the definition checks that name it, the system's two tests: none failed.
  expect(jest.stderr).not.toMatch(/failed/);
  expect(Number(/Tests: .*?(\d+) passed/.exec(jest.stderr)?.[1])).toBeGreaterThanOrEqual(7);
}, 240_000);
