import { eventually, TEST_OPERATOR, type TestEngine } from './engine';

/** The task API as people use it over HTTP, signed in as themselves. */
export function taskDesk(engine: TestEngine) {
  /** The open tasks `person` sees: their own, or, for an operator, `assignee`'s (`*`: everyone's). */
  async function tasksOf(person: string, assignee?: string): Promise<Array<{ taskId: string; assignee: string; title: string }>> {
    const url = new URL('/tasks', engine.intakeUrl);
    if (assignee) url.searchParams.set('assignee', assignee);
    return (await fetch(url, { headers: await engine.signedInAs(person) })).json() as Promise<
      Array<{ taskId: string; assignee: string; title: string }>
    >;
  }

  return {
    tasksOf,

    /** A run's open task by name, once it is listed (robots before it may take a while on a busy machine). */
    openTaskFor: (workflowId: string, name: string, timeoutMs?: number) =>
      eventually(
        async () => (await tasksOf(TEST_OPERATOR, '*')).find((task) => task.taskId === `${workflowId}:${name}`),
        `task ${name}`,
        timeoutMs,
      ),

    async decide(taskId: string, decidedBy: string, decision: 'approve' | 'reject', comment?: string) {
      const response = await fetch(`${engine.intakeUrl}/tasks/${encodeURIComponent(taskId)}/decision`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await engine.signedInAs(decidedBy)) },
        body: JSON.stringify({ decision, comment }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
  };
}
