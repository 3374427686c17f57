import { z } from 'zod';

/** Where a run stands: its step, who or what it waits on, and until when (the `progress` query). */
export const Progress = z.object({
  step: z.string(),
  waitingOn: z.string().optional(),
  deadline: z.iso.datetime().optional(),
  /** Where people decide in parallel (a contract's approval stage): each open task, its assignee and deadline. */
  openTasks: z.array(z.object({ task: z.string(), assignee: z.string(), deadline: z.iso.datetime().optional() })).optional(),
});
export type Progress = z.infer<typeof Progress>;
