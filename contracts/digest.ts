import { z } from 'zod';
import { businessKey, email, plainText } from './fields';

/** A manager asking for the digest now, outside its weekly schedule (`officeflow schedules trigger` does the same). */
export const DigestRequest = z.object({
  /** The digest's key: `weekly` for the scheduled ones. */
  digestId: businessKey,
});
export type DigestRequest = z.infer<typeof DigestRequest>;

/** Who hears of each team's overdue tasks: its manager, and everyone else's go to operations. */
export const DigestSettings = z.object({
  managers: z.record(plainText(100).min(1), email),
  everyoneElse: email,
});
export type DigestSettings = z.infer<typeof DigestSettings>;

export const DigestInput = DigestRequest.extend({ settings: DigestSettings });
export type DigestInput = z.infer<typeof DigestInput>;

/** One task past its deadline, as the digest lists it. */
export interface OverdueTask {
  taskId: string;
  workflowId: string;
  title: string;
  assignee: string;
  deadline: string;
  escalated: boolean;
}

/** A team's tasks past their deadline, oldest deadline first; tasks that name no team are under `null`. */
export interface OverdueTeam {
  team: string | null;
  tasks: OverdueTask[];
}

export interface DigestResult {
  /** By team: how many overdue tasks its manager was told of. */
  told: Record<string, number>;
}
