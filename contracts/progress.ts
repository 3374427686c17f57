import { z } from 'zod';

/** Where a run stands: its step, who or what it waits on, and until when (the `progress` query). */
export const Progress = z.object({
  step: z.string(),
  waitingOn: z.string().optional(),
  deadline: z.iso.datetime().optional(),
});
export type Progress = z.infer<typeof Progress>;
