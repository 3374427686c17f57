import { DefaultLogger, Runtime } from '@temporalio/worker';
import pino, { type Logger } from 'pino';

/** Structured logs; readable lines when a person watches a terminal. Secrets and personal data are never logged. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: ['req.headers["webhook-signature"]', 'req.headers.authorization', 'password', 'databaseUrl'],
    transport: process.stdout.isTTY ? { target: 'pino-pretty', options: { ignore: 'pid,hostname' } } : undefined,
  });
}

/**
 * Sets up the Temporal SDK's runtime for an officeflow process: its warnings and errors go to officeflow's log (its
 * workers' comings and goings are not news), and it leaves signals to officeflow, which stops the intake before the
 * workers and the workers before the servers they use. Call once, before any worker or connection.
 */
export function installTemporalRuntime(log: Logger): void {
  Runtime.install({
    logger: new DefaultLogger('WARN', ({ level, message, meta }) => log[level === 'ERROR' ? 'error' : 'warn']({ ...meta }, message)),
    shutdownSignals: [],
  });
}
