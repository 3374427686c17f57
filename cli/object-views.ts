import type { Command } from 'commander';
import type { Config } from '../config';
import type { ContractView } from '../insights/contract';
import type { CustomerView } from '../insights/customer';
import type { EmployeeView } from '../insights/employee';
import type { ObjectRun, OpenTask } from '../insights/object-runs';
import { type OutputOptions, answer, busy, table } from './output';
import { type Identity, askIntake, askingAs } from './tasks';

const when = (time?: string) => (time ? new Date(time).toISOString().slice(0, 16).replace('T', ' ') : undefined);

/** The runs about an object, and the tasks they wait on, as every view shows them. */
const runsAndTasks = (runs: ObjectRun[], openTasks: OpenTask[]) => [
  '',
  'RUNS',
  table(
    runs.map(({ objects: _objects, ...run }) => ({
      ...run,
      startedAt: when(run.startedAt),
      state: run.outcome ?? `${run.step ?? 'started'}${run.waitingOn ? ` (waiting on ${run.waitingOn})` : ''}`,
    })),
    { process: 'PROCESS', workflowId: 'RUN', startedAt: 'STARTED', state: 'STEP OR OUTCOME' },
    'no runs',
  ),
  '',
  'OPEN TASKS',
  table(
    openTasks.map((task) => ({ ...task, deadline: when(task.deadline) })),
    { taskId: 'TASK', title: 'TITLE', assignee: 'ASSIGNEE', deadline: 'DUE' },
    'none',
  ),
];

function customerText(view: CustomerView): string {
  const owed = Object.entries(view.owed)
    .filter(([, amount]) => Number(amount) > 0)
    .map(([currency, amount]) => `${amount} ${currency}`);
  return [
    `${view.customer}${view.record ? `: ${view.record.companyName} (${view.record.customerNumber}, ${view.record.country})` : ''}` +
      ` — owes ${owed.length ? owed.join(', ') : 'nothing'}`,
    ...runsAndTasks(view.runs, view.openTasks),
    '',
    'INVOICES',
    table(
      view.invoices,
      { invoiceNumber: 'INVOICE', issuedOn: 'ISSUED', dueOn: 'DUE', gross: 'TOTAL', owed: 'OWED', currency: 'CURRENCY' },
      'none',
    ),
    '',
    'CONTRACTS',
    table(view.contracts, { contract: 'CONTRACT', state: 'STATE', workflowId: 'RUN' }, 'none'),
  ].join('\n');
}

const employeeText = (view: EmployeeView) =>
  [
    view.record
      ? `${view.record.employeeNumber} (candidate ${view.record.candidateId}): ${view.record.role}, ${view.record.department}, ` +
        `${view.record.status} from ${view.record.startDate}; IT account ${view.record.itAccount ? 'yes' : 'no'}, payroll ${view.record.payroll ? 'yes' : 'no'}` +
        (view.equipment ? `; equipment ${view.equipment.orderNumber} ${view.equipment.status}` : '')
      : `${view.employee}: no employee record`,
    ...runsAndTasks(view.runs, view.openTasks),
  ].join('\n');

const contractText = (view: ContractView) =>
  [
    `${view.contract}: ${view.state ?? 'no runs'}${view.customer ? ` (customer ${view.customer})` : ''}`,
    ...runsAndTasks(view.runs, view.openTasks),
    '',
    'AUDIT TRAIL (officeflow shows it in full at GET /contracts/<id>/audit)',
    table(
      view.audit.map((entry) => ({ ...entry, last: when(entry.last) })),
      { event: 'EVENT', entries: 'ENTRIES', last: 'LAST' },
      'none',
    ),
  ].join('\n');

/** `officeflow customer ACC-1001`, `employee E-1001`, `contract K-3001`: one business object across every process. */
export function addObjectViewCommands(program: Command, config: () => Config): void {
  const views: Array<[name: string, description: string, argument: string, path: string, text: (view: never) => string, who: string]> = [
    [
      'customer',
      'one customer across every process: runs, open tasks, invoices and what is owed, contracts',
      'their id in the CRM, e.g. ACC-1001',
      '/customers',
      customerText,
      'an operator or an auditor',
    ],
    [
      'employee',
      'one employee across every process: hire, offboarding, open tasks, accounts, equipment',
      'their number (E-1001) or candidate id',
      '/employees',
      employeeText,
      'an operator, an auditor, or an owner of hiring or offboarding',
    ],
    [
      'contract',
      'one contract across every process: its state, runs, open tasks and audit trail',
      'its id, e.g. K-3001',
      '/contracts',
      contractText,
      'an operator, an auditor, or an owner of contract approval',
    ],
  ];
  for (const [name, description, argument, path, text, who] of views)
    askingAs(program.command(name).description(description).argument('<id>', argument), who).action(
      async (id: string, options: OutputOptions & Identity & { intake?: string }) => {
        const view = await busy(`${name} ${id}`, options, () => askIntake<never>(config(), options, `${path}/${encodeURIComponent(id)}`));
        answer(options, view, text);
      },
    );
}
