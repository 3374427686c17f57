/**
 * Pausing a connected system (`officeflow pause legacy-erp`): what the workers that hold its activities and the intake
 * that pauses and resumes it agree on.
 */

/** How long a worker trusts what it read of the pauses: a pause holds every activity started that long after it. */
export const PAUSES_READ_EVERY_MS = 1_000;

/** The failure type of an attempt ended because its system is paused. */
export const SYSTEM_PAUSED = 'SystemPaused';

/** How many held steps are let go each second when a system resumes, unless the operator says. */
export const RELEASE_PER_SECOND = 5;

/** What a held step says in the Temporal UI and `officeflow status`. */
export const pausedBecause = (system: string, reason: string): string => `paused: ${system} — ${reason}`;
