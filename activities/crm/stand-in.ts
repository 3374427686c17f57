import path from 'node:path';
import { keptJson } from '../../infra/state';
import Fastify from 'fastify';

export interface DealRecord {
  dealId: string;
  stage?: string;
  notes: string[];
  /** Every stage change, in order; a redelivered change (same idempotency key) appears once. */
  history: Array<{ stage: string; note?: string; at: string }>;
}

interface CrmState {
  deals: Record<string, DealRecord>;
  seenKeys: string[];
}

export interface StandInCrm {
  url: string;
  stop(): Promise<void>;
}

/**
 * A stand-in for the company's CRM, speaking the HTTP API officeflow's CRM connector calls:
 * `PUT /deals/:id/stage` ({stage, note}) and `POST /deals/:id/notes` ({text}), each with an Idempotency-Key
 * header, and `GET /deals/:id`.
 * It keeps what it receives in a JSON file, so people and tests can see what the front office was told.
 * `POST /standin/faults` with `{"unavailableForMs": n}` makes it answer 503 for a while (chaos runs).
 */
export async function startStandInCrm(dir: string, port: number, host = '127.0.0.1'): Promise<StandInCrm> {
  const { value: state, save } = keptJson<CrmState>(path.join(dir, 'crm.json'), { deals: {}, seenKeys: [] });
  const seen = new Set(state.seenKeys);
  const deal = (dealId: string) => (state.deals[dealId] ??= { dealId, notes: [], history: [] });
  /** Applies a change to a deal once per Idempotency-Key, and keeps it. */
  const applyOnce = (key: string, dealId: string, change: (record: DealRecord) => void): DealRecord => {
    const record = deal(dealId);
    if (!seen.has(key)) {
      seen.add(key);
      state.seenKeys.push(key);
      change(record);
      save();
    }
    return record;
  };

  const app = Fastify();
  let unavailableUntil = 0;
  app.post<{ Body: { unavailableForMs?: number } }>('/standin/faults', async (request) => {
    unavailableUntil = Date.now() + Math.min(Math.max(Number(request.body?.unavailableForMs) || 0, 0), 10 * 60_000);
    return { unavailableUntil: new Date(unavailableUntil).toISOString() };
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/standin/') && Date.now() < unavailableUntil) {
      return reply.code(503).header('retry-after', '5').send({ error: 'the CRM is unavailable' });
    }
  });
  app.put<{ Params: { dealId: string }; Body: { stage?: unknown; note?: unknown } }>('/deals/:dealId/stage', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    const { stage, note } = request.body ?? {};
    if (typeof key !== 'string' || typeof stage !== 'string') {
      return reply.code(400).send({ error: 'an Idempotency-Key header and a string "stage" are required' });
    }
    return applyOnce(key, request.params.dealId, (record) => {
      record.stage = stage;
      record.history.push({ stage, note: typeof note === 'string' ? note : undefined, at: new Date().toISOString() });
      if (typeof note === 'string') record.notes.push(note);
    });
  });
  app.post<{ Params: { dealId: string }; Body: { text?: unknown } }>('/deals/:dealId/notes', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    const { text } = request.body ?? {};
    if (typeof key !== 'string' || typeof text !== 'string') {
      return reply.code(400).send({ error: 'an Idempotency-Key header and a string "text" are required' });
    }
    return applyOnce(key, request.params.dealId, (record) => record.notes.push(text));
  });
  app.get<{ Params: { dealId: string } }>('/deals/:dealId', async (request, reply) => {
    const record = state.deals[request.params.dealId];
    return record ?? reply.code(404).send({ error: 'no such deal' });
  });

  const url = await app.listen({ host, port });
  return { url, stop: () => app.close() };
}
