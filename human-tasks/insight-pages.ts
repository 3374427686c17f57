import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type SafeHtml, html } from '../activities/documents/html';
import { humanDuration as span } from '../insights/durations';
import type { ProcessInsights, TimeKind } from '../insights/report';
import type { Role } from '../web/roles';
import { DEFAULT_SPAN_MS, type InsightsOf, mayReadInsights } from '../web/insights';
import { page } from './pages';

const KIND_LABELS: Record<TimeKind, string> = { working: 'Working', people: 'Waiting on people', outside: 'Waiting on the outside world' };
const KIND_COLOURS: Record<TimeKind, string> = { working: '#1d4ed8', people: '#b45309', outside: '#6e7781' };

/** Horizontal bars, one per row, drawn as SVG (no script): the label, the bar to scale, the value. */
function barChart(title: string, rows: Array<{ label: string; value: number; colour: string; text: string }>): SafeHtml {
  const max = Math.max(...rows.map((row) => row.value), 1);
  const height = rows.length * 28 + 8;
  return html`<figure class="card">
    <figcaption>${title}</figcaption>
    <svg role="img" aria-label="${title}" viewBox="0 0 640 ${height}" width="100%">
      ${rows.map(
        (row, i) =>
          html`<g transform="translate(0 ${i * 28 + 4})">
            <text x="0" y="17" font-size="13" fill="#1f2328">${row.label}</text>
            <rect x="220" y="4" height="18" width="${Math.max(1, (row.value / max) * 340).toFixed(1)}" fill="${row.colour}"></rect>
            <text x="${(224 + (row.value / max) * 340).toFixed(1)}" y="17" font-size="13" fill="#1f2328">${row.text}</text>
          </g>`,
      )}
    </svg>
  </figure>`;
}

function report(insights: ProcessInsights): SafeHtml {
  const { runs, timeSpent } = insights;
  const total = timeSpent.working + timeSpent.people + timeSpent.outside;
  const share = (part: number) => `${total > 0 ? Math.round((100 * part) / total) : 0}%`;
  return html`<p>
      Runs started since ${insights.since.slice(0, 10)}: ${runs.started} · finished ${runs.finished} · running ${runs.running}
      ${insights.cycleTime ? html` · cycle time p50 ${span(insights.cycleTime.p50)}, p90 ${span(insights.cycleTime.p90)}` : html``}
    </p>
    ${barChart(
      'Where the time goes',
      (['working', 'people', 'outside'] as const).map((kind) => ({
        label: KIND_LABELS[kind],
        value: timeSpent[kind],
        colour: KIND_COLOURS[kind],
        text: share(timeSpent[kind]),
      })),
    )}
    ${barChart(
      'Steps where time piles up (total time in the step)',
      insights.steps
        .slice(0, 12)
        .map((step) => ({ label: step.step, value: step.total, colour: KIND_COLOURS[step.kind], text: span(step.total) })),
    )}
    <h2>Waiting on</h2>
    <table>
      <thead>
        <tr>
          <th>Whom</th>
          <th>Runs</th>
          <th>Per run p50</th>
          <th>p90</th>
        </tr>
      </thead>
      <tbody>
        ${insights.waitingOn.map(
          (w) =>
            html`<tr>
              <td>${w.on} (${w.kind === 'people' ? 'people' : 'outside'})</td>
              <td>${w.runs}</td>
              <td>${span(w.perRun.p50)}</td>
              <td>${span(w.perRun.p90)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h2>Variants</h2>
    <table>
      <thead>
        <tr>
          <th>Runs</th>
          <th>p50</th>
          <th>Path</th>
        </tr>
      </thead>
      <tbody>
        ${insights.variants.slice(0, 10).map(
          (v) =>
            html`<tr>
              <td>${v.runs}</td>
              <td>${span(v.cycleTime.p50)}</td>
              <td>${v.path.join(' → ')}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h2>Tasks decided in time</h2>
    <table>
      <thead>
        <tr>
          <th>Team</th>
          <th>On time</th>
          <th>Late</th>
          <th>Open, overdue</th>
        </tr>
      </thead>
      <tbody>
        ${insights.sla.map(
          (s) =>
            html`<tr>
              <td>${s.team}</td>
              <td>${s.onTime}</td>
              <td>${s.late}</td>
              <td>${s.openOverdue}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h2>Running cases, when each will be done</h2>
    <table>
      <thead>
        <tr>
          <th>Run</th>
          <th>Step</th>
          <th>Still to go (likely range)</th>
        </tr>
      </thead>
      <tbody>
        ${insights.running.slice(0, 50).map(
          (r) =>
            html`<tr>
              <td>${r.workflowId}</td>
              <td>${r.step ?? '-'}</td>
              <td>
                ${
                  r.prediction
                    ? `${span(r.prediction.remaining.p50)} (${span(r.prediction.remaining.p10)} to ${span(r.prediction.remaining.p90)})`
                    : r.olderThanAll
                      ? `older than all ${r.olderThanAll} finished`
                      : '-'
                }
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${
      insights.predictions
        ? html`<p>
            Predictions on finished cases were off by ${span(insights.predictions.meanError)} on average;
            ${Math.round(insights.predictions.inRange * 100)}% fell within their range.
          </p>`
        : html``
    }`;
}

/**
 * The process insights for process owners and managers in the inbox (`/inbox/insights`): the processes they may read,
 * and each one's report with its charts, for whoever is signed in with a role that may read it.
 */
export function insightPages(
  app: FastifyInstance,
  {
    insights,
    processes,
    personOf,
    nav,
  }: {
    insights: InsightsOf;
    processes: string[];
    personOf: (request: FastifyRequest) => Promise<{ email: string; roles: readonly Role[] } | undefined>;
    nav: (person: string) => SafeHtml;
  },
  signIn: (reply: FastifyReply) => unknown,
): void {
  app.get('/insights', async (request, reply) => {
    const person = await personOf(request);
    if (!person) return signIn(reply);
    const readable = processes.filter((process) => mayReadInsights(person, process));
    return page(
      reply,
      200,
      'Process insights',
      readable.length
        ? html`<ul class="card">
            ${readable.map((process) => html`<li><a href="/inbox/insights/${process}">${process}</a></li>`)}
          </ul>`
        : html`<p class="card">No process’s insights are yours to read: ask to be made its owner.</p>`,
      nav(person.email),
    );
  });
  app.get<{ Params: { process: string } }>('/insights/:process', async (request, reply) => {
    const person = await personOf(request);
    if (!person) return signIn(reply);
    const { process } = request.params;
    if (!processes.includes(process) || !mayReadInsights(person, process))
      return page(
        reply,
        404,
        'No such insights of yours',
        html`<p><a href="/inbox/insights">Back to the processes</a></p>`,
        nav(person.email),
      );
    const since = new Date(Date.now() - DEFAULT_SPAN_MS);
    return page(reply, 200, `Insights: ${process}`, report(await insights(process, since)), nav(person.email));
  });
}
