import pino, { type Logger } from 'pino';

/** Structured logs; readable lines when a person watches a terminal. Secrets and personal data are never logged. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: ['req.headers["webhook-signature"]', 'password', 'databaseUrl'],
    transport: process.stdout.isTTY ? { target: 'pino-pretty', options: { ignore: 'pid,hostname' } } : undefined,
  });
}
