import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** What officeflow does when it stops: lines printed and logged, then exit at once. */
const stopping = `
const { carryOnWhenOutputIsLost } = require('./infra/lost-output');
const { createLogger } = require('./infra/logger');
carryOnWhenOutputIsLost();
const log = createLogger('info');
setTimeout(() => {
  for (let part = 0; part < 50; part++) {
    console.log('  stopped part', part);
    log.warn({ part }, 'a part took long to stop');
  }
  process.exit(0);
}, 300);
`;

it('prints, logs and exits 0 when the reader of its output is gone (`npm start | tee` after Ctrl-C)', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', stopping], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.destroy();
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // Neither an uncaught EPIPE (exit 1) nor pino retrying its buffered lines on exit for ever (a hang).
  const hung = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  clearTimeout(hung);
  expect({ ...exit, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
});
