import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { quoted } from '../contracts/visibility';
import { GRPC, refusedWith } from '../infra/temporal';
import { Refusal } from './errors';
import type { Authenticate } from './identity';
import type { OperatorLog } from '../db/operator-log';
import { operatorReason } from './operator-log';
import { requireRole } from './roles';

/**
 * `GET /deployment` and `POST /deployment/current|ramp|retire`: the worker deployment's builds (Temporal's Worker
 * Versioning), which serves new runs, how many runs each still holds, and the operator's moves between them. A
 * rollback is making the previous build current again: runs pinned to the new build finish there.
 */

const Status = temporal.api.enums.v1.WorkerDeploymentVersionStatus;
const STATUS_NAMES: Record<number, string> = {
  [Status.WORKER_DEPLOYMENT_VERSION_STATUS_INACTIVE]: 'inactive',
  [Status.WORKER_DEPLOYMENT_VERSION_STATUS_CURRENT]: 'current',
  [Status.WORKER_DEPLOYMENT_VERSION_STATUS_RAMPING]: 'ramping',
  [Status.WORKER_DEPLOYMENT_VERSION_STATUS_DRAINING]: 'draining',
  [Status.WORKER_DEPLOYMENT_VERSION_STATUS_DRAINED]: 'drained',
};

export interface DeployedBuild {
  buildId: string;
  /** inactive (never current), current, ramping, draining (runs still pinned to it), drained. */
  status: string;
  /** Runs of it still running: pinned ones finish here. */
  runs: number;
}

export interface DeploymentStatus {
  deployment: string;
  current?: string;
  ramping?: { buildId: string; percent: number };
  builds: DeployedBuild[];
}

const buildId = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be a build id as WORKER_BUILD_ID gives it');

export const deploymentRoutes: FastifyPluginAsyncZod<{
  client: Client;
  deploymentName: string;
  authenticate: Authenticate;
  log: OperatorLog;
}> = async (app, { client, deploymentName, authenticate, log }) => {
  // Read when asked: the client's options are there once it is connected.
  const namespace = () => client.options.namespace;
  const identity = (email: string) => `officeflow operator ${email}`;

  /** Runs still running on a build. */
  const runsOn = async (build: string) =>
    (
      await client.workflow.count(
        `TemporalWorkerDeploymentVersion = ${quoted(`${deploymentName}:${build}`)} AND ExecutionStatus = "Running"`,
      )
    ).count;

  async function status(): Promise<DeploymentStatus> {
    try {
      const { workerDeploymentInfo: info } = await client.workflowService.describeWorkerDeployment({
        namespace: namespace(),
        deploymentName,
      });
      const routing = info?.routingConfig;
      const builds = await Promise.all(
        (info?.versionSummaries ?? []).map(async (version) => {
          const build = version.deploymentVersion?.buildId ?? '';
          return { buildId: build, status: STATUS_NAMES[version.status ?? 0] ?? 'unknown', runs: await runsOn(build) };
        }),
      );
      const ramping = routing?.rampingDeploymentVersion?.buildId;
      return {
        deployment: deploymentName,
        current: routing?.currentDeploymentVersion?.buildId || undefined,
        ramping: ramping ? { buildId: ramping, percent: routing?.rampingVersionPercentage ?? 0 } : undefined,
        builds,
      };
    } catch (error) {
      // No versioned worker has polled yet: an unversioned installation.
      if (refusedWith(error, GRPC.notFound)) return { deployment: deploymentName, builds: [] };
      throw error;
    }
  }

  /** A change to the deployment: operators only, logged with the reason; Temporal's refusals are the operator's 409. */
  const change = <Body extends { buildId: string; reason: string }>(
    action: string,
    body: z.ZodType<Body>,
    act: (body: Body, who: string) => Promise<void>,
  ) =>
    app.post(`/${action}`, { schema: { body } }, async (request) => {
      const person = await authenticate(request.headers.authorization);
      requireRole(person, `${action} builds`, 'operator');
      const asked = request.body as Body;
      try {
        await act(asked, identity(person.email));
      } catch (error) {
        if (refusedWith(error, GRPC.invalidArgument, GRPC.notFound, GRPC.failedPrecondition))
          throw new Refusal(409, 'refused_by_temporal', `Temporal refused to ${action} ${asked.buildId}: ${error.details}`);
        throw error;
      }
      const { reason: why, ...detail } = asked;
      await log.record({
        actor: person.email,
        action: `deploy-${action}`,
        target: `${deploymentName}:${asked.buildId}`,
        reason: why,
        detail,
      });
      return status();
    });

  app.get('/', async (request) => {
    const person = await authenticate(request.headers.authorization);
    requireRole(person, 'read the deployment', 'operator', 'auditor');
    return status();
  });

  change('current', z.object({ buildId, reason: operatorReason }), async ({ buildId: build }, who) => {
    await client.workflowService.setWorkerDeploymentCurrentVersion({
      namespace: namespace(),
      deploymentName,
      buildId: build,
      identity: who,
    });
  });

  change(
    'ramp',
    z.object({ buildId, percent: z.number().min(0).max(100), reason: operatorReason }),
    async ({ buildId: build, percent }, who) => {
      await client.workflowService.setWorkerDeploymentRampingVersion({
        namespace: namespace(),
        deploymentName,
        buildId: build,
        percentage: percent,
        identity: who,
      });
    },
  );

  change('retire', z.object({ buildId, reason: operatorReason }), async ({ buildId: build }, who) => {
    const held = await runsOn(build);
    if (held > 0) throw new Refusal(409, 'build_in_use', `${held} run(s) still run on ${build}: retire it once they have finished`);
    await client.workflowService.deleteWorkerDeploymentVersion({
      namespace: namespace(),
      deploymentVersion: { deploymentName, buildId: build },
      identity: who,
    });
  });
};
