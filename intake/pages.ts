import type { FastifyInstance, FastifyReply } from 'fastify';
import { type SafeHtml, html } from '../activities/documents/html';
import type { Verdict } from '../contracts/human-task';

/** The pages officeflow serves people (the inbox, one-click decisions): plain HTML forms, no script. */

export const VERDICT_LABELS: Record<Verdict, string> = { approve: 'Approve', reject: 'Reject', 'request-changes': 'Request changes' };

/** Forms arrive URL-encoded: their fields as an object. */
export function acceptForms(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
}

/** A page: its title as the heading, `body` under it, `nav` (who is signed in) above. */
export const page = (reply: FastifyReply, status: number, title: string, body: SafeHtml, nav: SafeHtml = html``) =>
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
              body {
                font-family: sans-serif;
                max-width: 40rem;
                margin: 2rem auto;
                padding: 0 1rem;
              }
              pre {
                white-space: pre-wrap;
                font-family: inherit;
                background: #f4f4f4;
                padding: 1rem;
              }
              textarea {
                width: 100%;
              }
              button {
                margin: 0.5rem 0.5rem 0 0;
                padding: 0.5rem 1rem;
              }
              table {
                border-collapse: collapse;
                width: 100%;
              }
              th,
              td {
                text-align: left;
                padding: 0.4rem;
                border-bottom: 1px solid #ddd;
              }
              .overdue {
                color: #a00;
                font-weight: bold;
              }
              nav {
                max-width: 40rem;
                margin: 0 auto;
                display: flex;
                justify-content: space-between;
              }
              :focus {
                outline: 3px solid #1a5fb4;
              }
            </style>
          </head>
          <body>
            ${nav}
            <main>
              <h1>${title}</h1>
              ${body}
            </main>
          </body>
        </html>`.markup,
    );
