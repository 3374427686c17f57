import { DefaultLogger, Runtime } from '@temporalio/worker';
import pino, { type Logger } from 'pino';

/** Structured logs; readable lines when a person watches a terminal. Secrets and personal data are never logged. */
export function createLogger(level: string): Logger {
  const options = { level, redact: ['req.headers["webhook-signature"]', 'req.headers.authorization', 'password', 'databaseUrl'] };
  if (process.stdout.isTTY) return pino({ ...options, transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname' } } });
  // Each line written as it is logged, as Node writes console lines to a pipe: lines pino buffered would be written
  // again on exit, and against a pipe whose reader is gone (`npm start | tee` after Ctrl-C) retried forever, so the
  // process would never exit. Written at once, a closed pipe only makes pino drop its lines.
  return pino(options, pino.destination({ dest: 1, sync: true }));
}

/** Bucket bounds of officeflow's step-duration histogram, in seconds: a robot's seconds to a dunning's weeks. */
const STEP_BUCKETS = [1, 5, 15, 60, 300, 900, 3600, 14_400, 86_400, 259_200, 604_800, 2_592_000];

/**
 * Sets up the Temporal SDK's runtime for an officeflow process: its warnings and errors go to officeflow's log (its
 * workers' comings and goings are not news), and it leaves signals to officeflow, which stops the intake before the
 * workers and the workers before the servers they use. With `metrics`, it serves Prometheus metrics at
 * `http://<address>/metrics`: the SDK's own (workflows, activities, polls, task latencies) and officeflow's business
 * metrics (`officeflow_*`). Call once, before any worker or connection.
 */
export function installTemporalRuntime(log: Logger, metrics?: { address: string }): void {
  Runtime.install({
    logger: new DefaultLogger('WARN', ({ level, message, meta }) => {
      // Failed attempts are logged by the workers' activity logging, with the run's business key.
      if (message === 'Activity failed') return;
      log[level === 'ERROR' ? 'error' : 'warn']({ ...meta }, message);
    }),
    shutdownSignals: [],
    telemetryOptions: {
      // The SDK core's own warnings (a nondeterministic replay, a lost connection) reach the same log, not the console.
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      ...(metrics && {
        metrics: {
          prometheus: {
            bindAddress: metrics.address,
            countersTotalSuffix: true,
            useSecondsForDurations: true,
            histogramBucketOverrides: { officeflow_step_duration: STEP_BUCKETS },
          },
        },
      }),
    },
  });
}
