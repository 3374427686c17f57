import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { GRPC, refusedWith } from '../infra/temporal';

/**
 * Worker Versioning (Temporal's worker deployments): workers that say which build they are, so a pinned process's runs
 * stay on the build they started on while new runs go to the current build. See `officeflow deploy` for moving the
 * current build, ramping, rolling back and retiring.
 */

/** The workers' deployment options, where WORKER_BUILD_ID says which build they are; unversioned otherwise. */
export function deploymentOptions(config: Config): Pick<WorkerOptions, 'workerDeploymentOptions'> {
  if (!config.WORKER_BUILD_ID) return {};
  return {
    workerDeploymentOptions: {
      version: { deploymentName: config.WORKER_DEPLOYMENT_NAME, buildId: config.WORKER_BUILD_ID },
      useWorkerVersioning: true,
      // Every process's workflow says its own (see bundleWorkflows); activity-only workers need one too.
      defaultVersioningBehavior: 'PINNED',
    },
  };
}

/** How long a new build's pollers may take to be registered as a version of the deployment. */
const REGISTERED_WITHIN_MS = 60_000;

/**
 * The first build of a deployment becomes its current build as its workers start, so a fresh installation runs
 * without a deploy step; every later build waits to be made current (or ramped) by an operator.
 */
export async function firstBuildBecomesCurrent(connection: NativeConnection, config: Config, log: Logger): Promise<void> {
  const { WORKER_BUILD_ID: buildId, WORKER_DEPLOYMENT_NAME: deploymentName, TEMPORAL_NAMESPACE: namespace } = config;
  if (!buildId) return;
  const giveUpAt = Date.now() + REGISTERED_WITHIN_MS;
  for (;;) {
    try {
      const { workerDeploymentInfo } = await connection.workflowService.describeWorkerDeployment({ namespace, deploymentName });
      if (workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId) return;
      await connection.workflowService.setWorkerDeploymentCurrentVersion({
        namespace,
        deploymentName,
        buildId,
        identity: `officeflow workers ${buildId} (first build)`,
      });
      log.info({ deploymentName, buildId }, 'the first build of the deployment is its current build');
      return;
    } catch (error) {
      // Pollers are registered as a version a moment after they start polling.
      if (!refusedWith(error, GRPC.notFound) || Date.now() > giveUpAt) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
