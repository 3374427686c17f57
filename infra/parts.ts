/** Something officeflow started and stops on the way out: a server, the workers, the intake. */
export interface Part {
  name: string;
  stop(): Promise<unknown>;
}

/** Stops the parts in the order given, reporting each; one that fails to stop does not keep the others running. */
export async function stopParts(parts: Part[], report: (line: string) => void = () => undefined): Promise<void> {
  for (const part of parts) {
    try {
      await part.stop();
      report(`stopped ${part.name}`);
    } catch (error) {
      report(`could not stop ${part.name}: ${(error as Error).message}`);
    }
  }
}
