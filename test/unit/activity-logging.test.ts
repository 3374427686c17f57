import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityExecuteInput } from '@temporalio/worker';
import pino from 'pino';
import { processes } from '../../definitions';
import { activityLogging } from '../../workers/activity-logging';

it('logs a failed attempt with its run, step and failure type, never the portal’s or vendor’s answer', async () => {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  const ctx = {
    info: { workflowExecution: { workflowId: 'order-to-cash-D-2001', runId: 'r-1' }, activityType: 'updateDeal', attempt: 3 },
  } as unknown as Context;
  const interceptor = activityLogging(log, processes, { updateDeal: 'crm' })(ctx).inbound!;
  const answer = 'CRM refused: 422 {"contact":"Maria Anders","phone":"+49 30 1234567"}';
  const failing = () => Promise.reject(ApplicationFailure.retryable(answer, 'CrmRefused'));
  await expect(
    interceptor.execute!({ args: [{ dealId: 'D-2001', stage: 'ordered' }] } as unknown as ActivityExecuteInput, failing),
  ).rejects.toThrow(/^crm: .*Maria Anders/);
  const failed = lines.map((line) => JSON.parse(line)).find((line) => line.msg === 'activity failed');
  expect(failed).toMatchObject({ businessKey: 'D-2001', activity: 'updateDeal', attempt: 3, errorType: 'CrmRefused' });
  expect(lines.join('\n')).not.toMatch(/Maria Anders|1234567/);
});
