import type { Client } from '@temporalio/client';
import type { WorkflowBundleOption } from '@temporalio/worker';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { encryptionCodec } from '../codec/data-converter';
import type { Config } from '../config';
import { createPool } from '../db/pool';
import { processes, withTaskQueueSuffix } from '../definitions';
import type { ProcessDefinition } from '../definitions/define';
import { connectClient, connectWorkerConnection, temporalEndpoint } from '../infra/temporal';
import { buildIntake } from '../intake/server';
import { startWorkers } from '../workers/worker';

export interface EngineOptions {
  log: Logger;
  /** Run only the workers or only the intake (`officeflow up --only`). */
  only?: 'worker' | 'intake';
  /** The local Temporal UI, which the intake then serves a codec endpoint (local engine only). */
  localUiUrl?: string;
  /** A workflow bundle made once (tests). */
  workflowBundle?: WorkflowBundleOption;
  /** Process settings replaced by process name, e.g. durations in seconds (tests). */
  processSettings?: Record<string, object>;
}

/** A running engine: workers and the event intake over configured infrastructure. */
export interface Engine {
  registry: ProcessDefinition[];
  /** The intake's Temporal client and database pool, when the intake runs. */
  client?: Client;
  pool?: Pool;
  intakeUrl?: string;
  /** Resolves when the workers stop; rejects when one fails. */
  workersDone?: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts officeflow's workers and event intake on the infrastructure the configuration names (see
 * `startInfrastructure` for starting it locally): what `officeflow up` runs, and what every integration test runs.
 */
export async function startEngine(config: Config, options: EngineOptions): Promise<Engine> {
  const temporal = temporalEndpoint(config);
  const registry = withTaskQueueSuffix(processes, config.TASK_QUEUE_SUFFIX).map((process) => ({
    ...process,
    settings: { ...process.settings, ...options.processSettings?.[process.name] },
  }));
  const encryptionKeys = config.OFFICEFLOW_ENCRYPTION_KEY!;
  const stops: Array<() => Promise<unknown>> = [];
  const engine: Engine = {
    registry,
    async stop() {
      for (const stop of stops) await stop();
    },
  };
  try {
    if (options.only !== 'intake') {
      const connection = await connectWorkerConnection(temporal);
      stops.push(() => connection.close());
      const workers = await startWorkers({ connection, config, registry, log: options.log, workflowBundle: options.workflowBundle });
      stops.unshift(() => workers.shutdown());
      engine.workersDone = workers.done;
    }
    if (options.only !== 'worker') {
      const client = await connectClient(temporal, encryptionKeys);
      const pool = createPool(config.DATABASE_URL!);
      stops.push(
        () => pool.end(),
        () => client.connection.close(),
      );
      const intake = buildIntake({
        client,
        pool,
        registry,
        webhookSecrets: config.WEBHOOK_SECRETS,
        log: options.log,
        codecForUi: options.localUiUrl ? { codec: encryptionCodec(encryptionKeys), uiUrl: options.localUiUrl } : undefined,
      });
      engine.intakeUrl = await intake.listen({ host: config.INTAKE_HOST, port: config.INTAKE_PORT });
      stops.unshift(() => intake.close());
      Object.assign(engine, { client, pool });
    }
    return engine;
  } catch (error) {
    await engine.stop();
    throw error;
  }
}
