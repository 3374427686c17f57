import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const infra = globalThis.officeflowInfra;
  if (!infra) return;
  const exited = new Promise((resolve) => infra.child.once('exit', resolve));
  infra.child.kill('SIGTERM');
  await exited;
  rmSync(infra.stateDir, { recursive: true, force: true });
}
