import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DigestInput, DigestResult, OverdueTeam } from '../contracts/digest';
import { emailOnce } from './email';
import { trackProgress } from './progress';
import { quickStep } from './retry-profiles';

const { overdueTasksByTeam } = proxyActivities<Activities>(quickStep);

/**
 * The overdue-tasks digest: each team's manager hears which of the team's tasks are past their deadline, who holds
 * them and since when, so a person acts on them instead of someone watching a dashboard. Teams with none hear nothing.
 */
export async function overdueTasksDigest({ settings }: DigestInput): Promise<DigestResult> {
  const progress = trackProgress('gathering-overdue-tasks');
  const teams = await overdueTasksByTeam();
  progress.enterStep('telling-managers');
  const told: Record<string, number> = {};
  for (const { team, tasks } of teams) {
    const name = team ?? 'no team';
    const manager = (team && settings.managers[team]) || settings.everyoneElse;
    await emailOnce(`digest-${name}`, manager, `${tasks.length} task(s) of ${name} past their deadline`, digestText(name, tasks));
    told[name] = tasks.length;
  }
  progress.enterStep('told');
  return { told };
}

function digestText(team: string, tasks: OverdueTeam['tasks']): string {
  const lines = tasks.map(
    (task) =>
      `- ${task.title}\n  held by ${task.assignee}${task.escalated ? ' (escalated)' : ''}, due ${task.deadline}\n` +
      `  run: officeflow status ${task.workflowId}`,
  );
  return [`These tasks of ${team} are past their deadline, oldest first:`, '', ...lines].join('\n');
}
