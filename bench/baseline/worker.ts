import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import * as activities from './activities';

/**
 * A worker process for the bare-Temporal baseline, started by the bench beside officeflow's workers with the SDK's
 * defaults: `node --import tsx bench/baseline/worker.ts <address> <namespace> <task queue>`.
 */
async function main(): Promise<void> {
  const [address, namespace, taskQueue] = process.argv.slice(2);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection, namespace, taskQueue, workflowsPath: require.resolve('./workflows'), activities });
  process.on('SIGTERM', () => worker.shutdown());
  console.log('baseline worker polling');
  await worker.run();
  await connection.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
