import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Pool } from 'pg';
import type { TaskList } from '../activities/human-tasks/store';
import { html } from '../activities/documents/html';
import type { DecisionLinks } from '../codec/decision-links';
import { Refusal } from '../web/errors';
import { DecisionForm, VERDICT_LABELS, acceptForms, decisionFields, page } from './pages';
import type { TaskDesk } from './desk';

/**
 * The pages behind the one-click links in task e-mails: `GET /links/:token` shows the task and its choices, `POST`
 * decides it as the person the link was made for. A link works once, for an open task, before it expires; a tampered,
 * expired or used link gets a page that says so and changes nothing.
 */
export const decisionPages: FastifyPluginAsync<{ links: DecisionLinks; desk: TaskDesk; tasks: TaskList; pool: Pool }> = async (
  app,
  { links, desk, tasks, pool },
) => {
  acceptForms(app);

  /** The link's task while it is open for the link's person, or the page that says why not. */
  const openTaskOf = async (token: string, reply: FastifyReply) => {
    const link = await links.read(token).catch((error: Error) => error.message);
    if (link === 'expired')
      return { refused: page(reply, 410, 'This link has expired', html`<p>Open the task from your task list instead.</p>`) };
    if (typeof link === 'string')
      return { refused: page(reply, 400, 'This link is not valid', html`<p>It may have been changed or cut short.</p>`) };
    const used = await pool.query('SELECT 1 FROM decision_links_used WHERE link_id = $1', [link.linkId]);
    if (used.rowCount) return { refused: page(reply, 410, 'This link was already used', html`<p>Each link decides once.</p>`) };
    const task = await tasks.task(link.taskId);
    if (!task || task.status !== 'open' || task.assignee.toLowerCase() !== link.assignee.toLowerCase()) {
      return {
        refused: page(reply, 410, 'This task no longer waits for you', html`<p>It was decided, withdrawn or passed to someone else.</p>`),
      };
    }
    return { link, task };
  };

  app.get<{ Params: { token: string } }>('/:token', async (request, reply) => {
    const { refused, task } = await openTaskOf(request.params.token, reply);
    if (refused) return refused;
    return page(
      reply,
      200,
      task!.title,
      html`<div class="card"><pre>${task!.details}</pre></div>
        <form class="card" method="post">${decisionFields(task!.verdicts, task!.choices)}</form>`,
    );
  });

  app.post<{ Params: { token: string } }>('/:token', async (request, reply) => {
    const { refused, link, task } = await openTaskOf(request.params.token, reply);
    if (refused) return refused;
    const form = DecisionForm.safeParse(request.body);
    if (!form.success) return page(reply, 400, 'Choose a decision', html`<p>Go back and press one of the buttons.</p>`);
    // An approval of a task that offers choices needs one: said before the link is spent.
    if (task!.choices && form.data.decision === 'approve' && !form.data.chosen?.length)
      return page(reply, 400, 'Choose first', html`<p>Go back, tick what you approve, and press Approve again.</p>`);
    const spent = await pool.query('INSERT INTO decision_links_used (link_id, task_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      link!.linkId,
      link!.taskId,
    ]);
    if (!spent.rowCount) return page(reply, 410, 'This link was already used', html`<p>Each link decides once.</p>`);
    try {
      const decided = await desk.decide(link!.taskId, { decidedBy: link!.assignee, ...form.data });
      return page(
        reply,
        200,
        'Your decision was recorded',
        html`<p>${VERDICT_LABELS[decided.decision]}: thank you, ${decided.decidedBy}.</p>`,
      );
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      return page(reply, error.status, 'Your decision was not taken', html`<p>${error.message}</p>`);
    }
  });
};
