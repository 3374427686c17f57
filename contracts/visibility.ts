/** Pieces of Temporal visibility queries, the text an operator can paste into the UI's search. */

/** A value in a visibility query, quoted. */
export const quoted = (value: string): string => `"${value.replace(/["\\]/g, '\\$&')}"`;

/** The runs on these task queues: one engine's, where several share a namespace. */
export const onTaskQueues = (queues: string[]): string => `TaskQueue IN (${queues.map(quoted).join(', ')})`;
