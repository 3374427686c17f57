/** An activity that does nothing: what is left is Temporal's cost of a step. */
export async function noop(): Promise<void> {}
