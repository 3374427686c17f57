import { DigestInput, DigestRequest, type DigestSettings } from '../contracts/digest';
import { overdueTasksDigest } from '../workflows/overdue-tasks-digest';
import { defineProcess, runsOn, startsOn } from './define';

const settings: DigestSettings = {
  managers: {
    Finance: 'head.of.finance@officeflow.example',
    Legal: 'general.counsel@officeflow.example',
    HR: 'head.of.people@officeflow.example',
    IT: 'it.lead@officeflow.example',
    Sales: 'head.of.sales@officeflow.example',
  },
  everyoneElse: 'operations@officeflow.example',
};

/**
 * The overdue-tasks digest. Every Monday morning each team's manager is e-mailed the team's tasks past their deadline;
 * a manager may ask for it at any time.
 */
export default defineProcess({
  name: 'overdue-tasks-digest',
  description: 'Each team’s manager hears of the team’s tasks past their deadline, every Monday morning.',
  workflow: overdueTasksDigest,
  taskQueue: 'overdue-tasks-digest',
  businessObject: 'digest',
  expectations: { 'telling-managers': '30 minutes' },
  // Short runs: they move to a new build at their next step.
  versioning: 'auto-upgrade',
  settings,
  input: DigestInput,
  describe: ({ digestId }) => ({ businessKey: digestId, summary: `Overdue tasks digest ${digestId}` }),
  searchAttributes: [],
  savedQueries: {
    failed: { description: 'Digests that could not be sent', query: 'ExecutionStatus = "Failed"' },
  },
  demo: { events: ['tasks.digest.requested'] },
  initialSearchAttributes: () => [],
  schedules: [
    runsOn({
      name: 'weekly',
      description: 'Every Monday at 07:00 in Berlin, before the teams start their week',
      when: { cron: '0 7 * * MON', timezone: 'Europe/Berlin' },
      // A digest missed while Temporal was down still goes out that morning.
      catchupWindow: '4 hours',
      input: () => ({ digestId: 'weekly' }),
    }),
  ],
  triggers: [
    startsOn({
      type: 'tasks.digest.requested',
      description: 'A manager asks for the overdue-tasks digest now.',
      data: DigestRequest,
      workflowId: ({ digestId }) => `overdue-tasks-digest-${digestId}`,
      example: { source: '/operations', id: 'DG-20261206-1', data: { digestId: 'DG-20261206-1' } },
    }),
  ],
});
