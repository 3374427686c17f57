import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

/** A server officeflow runs as a child process, in a process group of its own. */
export interface ChildServer {
  child: ChildProcess;
  /** The last lines it wrote, for a message when it fails. */
  lastWords(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts a server in its own process group. A terminal's Ctrl-C goes to the whole foreground group at once; kept
 * out of it, the server stays up until officeflow has stopped the workers that use it, and then stops it itself.
 */
export function spawnServer(command: string, args: string[], options: SpawnOptions = {}): ChildServer {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  // Servers differ in where they write why they stopped (Temporal's server: stdout); the last lines of either tell.
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    lastWords: () => output.trim(),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, signal);
      await exited;
    },
  };
}
