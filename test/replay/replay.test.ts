import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { processes } from '../../definitions';
import { HISTORIES_DIR } from '../support/histories';
import { quietRuntime } from '../support/quiet-runtime';

quietRuntime();

/** Every recorded history (test/replay/histories/<workflow type>/<path>.json), named `<type>/<path>`. */
const recorded = readdirSync(HISTORIES_DIR).flatMap((type) =>
  readdirSync(path.join(HISTORIES_DIR, type)).map((file) => ({
    workflowId: `${type}/${file.replace(/\.json$/, '')}`,
    history: historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES_DIR, type, file), 'utf8'))),
  })),
);

const workflowBundle = () => ({ codePath: path.join(process.env.OFFICEFLOW_TEST_STATE!, 'workflow-bundle.js') });
// A replay writes nothing: the SDK never calls the event log's sink on one, but it must be there to be skipped.
const sinks = { processLog: { record: { fn: () => undefined } } };

it.each(processes.map((process) => [process.name, process.workflow.name] as const))(
  '%s: has recorded runs to replay (npm run test:record keeps those its integration test finishes)',
  (_name, workflowType) => {
    expect(recorded.filter((r) => r.workflowId.startsWith(`${workflowType}/`)).length).toBeGreaterThan(0);
  },
);

it('replays every recorded run on the workflows as they are now: runs in flight survive this code', async () => {
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: workflowBundle(), sinks }, recorded)) {
    replayed += 1;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  expect(failures).toEqual([]);
  expect(replayed).toBe(recorded.length);
});

it('fails the replay when a change alters a workflow’s command sequence', async () => {
  const { history } = recorded.find((r) => r.workflowId === 'customerOnboarding/credit-limit-approved')!;
  await expect(Worker.runReplayHistory({ workflowsPath: require.resolve('./altered-workflow') }, history)).rejects.toBeInstanceOf(
    DeterminismViolationError,
  );
});
