/**
 * Lets a process that started servers go on, and stop them, once nobody reads what it prints: the reader of its pipe
 * is gone (`npm start | tee engine.log`, where Ctrl-C ends `tee` at once). Unheard, a failed write to stdout or stderr
 * is an uncaught error that ends the process before it has stopped the servers it started, and the next start finds
 * their ports taken. The lines are lost, as nobody is left to read them; pino drops its own lines the same way.
 */
export function carryOnWhenOutputIsLost(): void {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
}
