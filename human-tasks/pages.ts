import type { FastifyInstance, FastifyReply } from 'fastify';
import { type SafeHtml, html } from '../activities/documents/html';
import { z } from 'zod';
import { plainText } from '../contracts/fields';
import { type TaskChoice, Verdict } from '../contracts/human-tasks';
import { PAGE_STYLE } from './page-style';

/** The pages officeflow serves people (the inbox, one-click decisions): plain HTML forms, no script. */

export const VERDICT_LABELS: Record<Verdict, string> = { approve: 'Approve', reject: 'Reject', 'request-changes': 'Request changes' };

/** How each verdict's button looks: approving is the main action, rejecting the dangerous one. */
const VERDICT_LOOKS: Record<Verdict, string> = { approve: 'primary', reject: 'danger', 'request-changes': 'secondary' };

/** Forms arrive URL-encoded: their fields as an object, a field sent more than once (checked boxes) as a list. */
export function acceptForms(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const fields = new URLSearchParams(body as string);
    done(
      null,
      Object.fromEntries(
        [...new Set(fields.keys())].map((key) => [key, fields.getAll(key).length > 1 ? fields.getAll(key) : fields.get(key)]),
      ),
    );
  });
}

/** A decision as its form sends it, wherever one is taken: a verdict, a comment, the choices ticked (one or several). */
export const DecisionForm = z.object({
  decision: Verdict,
  comment: plainText(2000).optional(),
  chosen: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((chosen) => (chosen === undefined ? undefined : [chosen].flat())),
});

/**
 * The fields of a decision, wherever one is taken: a box for each choice the task offers (ticked ones go with an
 * approval), a comment, and a button for each verdict the task allows.
 */
export const decisionFields = (verdicts: Verdict[], choices: TaskChoice[] | null = null) =>
  html`${
      choices
        ? html`<fieldset class="field">
            <legend>Choose</legend>
            ${choices.map(
              (choice, index) =>
                html`<div>
                  <input type="checkbox" id="choice-${index}" name="chosen" value="${choice.id}" />
                  <label for="choice-${index}">${choice.label}</label>
                </div>`,
            )}
          </fieldset>`
        : html``
    }
    <div class="field">
      <label for="comment">Comment</label>
      <textarea id="comment" name="comment" rows="4" maxlength="2000"></textarea>
    </div>
    <div class="actions">
      ${verdicts.map(
        (verdict) =>
          html`<button type="submit" class="${VERDICT_LOOKS[verdict]}" name="decision" value="${verdict}">
            ${VERDICT_LABELS[verdict]}
          </button>`,
      )}
    </div>`;

/** A page: a header bar with the product's name and `account` (who is signed in), then its title as the heading and `body`. */
export const page = (reply: FastifyReply, status: number, title: string, body: SafeHtml, account: SafeHtml = html``) =>
  reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(
      html`<!doctype html>
        <html lang="en">
          <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>${title} – officeflow</title>
            <style>
              ${PAGE_STYLE}
            </style>
          </head>
          <body>
            <header class="bar">
              <div class="bar-inner">
                <span class="brand">officeflow</span>
                ${account}
              </div>
            </header>
            <main>
              <h1>${title}</h1>
              ${body}
            </main>
          </body>
        </html>`.markup,
    );
