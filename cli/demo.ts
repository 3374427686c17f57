import type { Config } from '../config';
import { processes } from '../definitions';
import { stateSecret } from '../infra/state';
import { connectClient, configuredTemporal } from '../infra/temporal';
import { exampleEvent } from '../intake/catalog';
import { sendEvent } from '../intake/send';

/**
 * Plays a front-office system: sends every trigger's example event (the ones GET /processes publishes) to a
 * running engine, then waits for the runs it started to finish. Sending them again shows the duplicate answers.
 */
export async function runDemo(config: Config, intake?: string): Promise<void> {
  const intakeUrl = intake ?? `http://${config.intake.host}:${config.intake.port}`;
  const health = await fetch(new URL('/healthz', intakeUrl)).catch(() => undefined);
  if (!health?.ok) {
    throw new Error(`officeflow is not running at ${intakeUrl}: start it first with 'npm start' (in another terminal)`);
  }
  const secret =
    config.intake.webhookSecrets[0] ?? stateSecret(config.stateDir, 'webhook-secret', () => {
      throw new Error('no webhook secret: set WEBHOOK_SECRETS to one the intake accepts');
    });
  const started: string[] = [];
  for (const process of processes) {
    console.log(`\n${process.name}: ${process.description}`);
    for (const trigger of process.triggers) {
      const { status, body } = await sendEvent(intakeUrl, secret, exampleEvent(trigger));
      console.log(`  ${trigger.type} -> ${status} ${JSON.stringify(body)}`);
      const accepted = body as { workflowId?: string };
      if (trigger.kind === 'start' && accepted.workflowId) started.push(accepted.workflowId);
      if (status >= 300) throw new Error(`the intake refused the demo event ${trigger.type}`);
    }
  }
  const temporal = configuredTemporal(config) ?? { address: `127.0.0.1:${config.temporal.localPort}`, namespace: config.temporal.namespace, tls: false };
  const encryptionKeys = config.encryptionKey ?? stateSecret(config.stateDir, 'encryption-key', () => {
    throw new Error('no encryption key: set OFFICEFLOW_ENCRYPTION_KEY');
  });
  const client = await connectClient(temporal, encryptionKeys);
  try {
    for (const workflowId of started) {
      const result = await client.workflow.getHandle(workflowId).result();
      console.log(`\n${workflowId} finished: ${JSON.stringify(result)}`);
      console.log(`  see it in the Temporal UI: http://127.0.0.1:${config.temporal.localUiPort}/namespaces/${temporal.namespace}/workflows/${workflowId}`);
    }
  } finally {
    await client.connection.close();
  }
}
