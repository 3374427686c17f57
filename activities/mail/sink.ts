import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { localPort } from '../../infra/ports';
import { ensureStateDir } from '../../infra/state';

/** What the mailbox API shows of one received message. */
export interface ReceivedMail {
  id: string;
  messageId?: string;
  from?: string;
  to: string[];
  subject?: string;
  date?: string;
  text?: string;
  attachments: { filename?: string; contentType: string; size: number }[];
}

export interface MailSink {
  smtpUrl: string;
  smtpPort: number;
  httpPort: number;
  mailboxUrl: string;
  stop(): Promise<void>;
}

/**
 * A local mail server speaking real SMTP that keeps every message it receives as an .eml file in the state
 * folder, and a small HTTP mailbox to read them: `GET /messages` (JSON), `GET /messages/:id.eml` (raw).
 * It stands in for the company's mail relay in development and tests; it delivers nothing onward.
 * `POST /standin/faults` with `{"refuseConnectionsForMs": n}` takes the relay down for a while (chaos runs).
 */
export async function startMailSink(stateDir: string, smtpPortSetting: number, httpPortSetting: number): Promise<MailSink> {
  const dir = ensureStateDir(stateDir, 'mail');
  let received = readdirSync(dir).filter((name) => name.endsWith('.eml')).length;

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 100,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received += 1;
        const name = `${Date.now()}-${String(received).padStart(6, '0')}.eml`;
        writeFileSync(path.join(dir, name), Buffer.concat(chunks));
        callback();
      });
    },
  });
  const smtpPort = await localPort(smtpPortSetting, 'MAIL_SINK_SMTP_PORT');
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(smtpPort, '127.0.0.1', () => resolve());
  });

  const http = Fastify();
  let reopen: NodeJS.Timeout | undefined;
  http.post<{ Body: { refuseConnectionsForMs?: number } }>('/standin/faults', async (request) => {
    const downMs = Math.min(Math.max(Number(request.body?.refuseConnectionsForMs) || 0, 0), 10 * 60_000);
    // Stops listening (connections already open finish), then listens again: senders meet a refused connection.
    if (!reopen) smtp.server.close();
    clearTimeout(reopen);
    reopen = setTimeout(() => {
      reopen = undefined;
      smtp.listen(smtpPort, '127.0.0.1');
    }, downMs);
    return { refusingUntil: new Date(Date.now() + downMs).toISOString() };
  });
  http.get('/messages', async () => {
    const files = readdirSync(dir)
      .filter((name) => name.endsWith('.eml'))
      .sort();
    return Promise.all(files.map((file) => readMail(dir, file)));
  });
  http.get<{ Params: { id: string } }>('/messages/:id.eml', async (request, reply) => {
    const file = path.basename(request.params.id) + '.eml';
    return reply.type('message/rfc822').send(readFileSync(path.join(dir, file)));
  });
  const httpPort = await localPort(httpPortSetting, 'MAIL_SINK_HTTP_PORT');
  const address = await http.listen({ host: '127.0.0.1', port: httpPort });

  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    smtpPort,
    httpPort,
    mailboxUrl: `${address}/messages`,
    async stop() {
      clearTimeout(reopen);
      await http.close();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
}

async function readMail(dir: string, file: string): Promise<ReceivedMail> {
  const mail = await simpleParser(readFileSync(path.join(dir, file)));
  const to = [mail.to ?? []].flat().flatMap((address) => address.value.map((entry) => entry.address ?? ''));
  return {
    id: file.replace(/\.eml$/, ''),
    messageId: mail.messageId,
    from: mail.from?.text,
    to,
    subject: mail.subject,
    date: mail.date?.toISOString(),
    text: mail.text,
    attachments: mail.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size })),
  };
}
