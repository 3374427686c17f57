import { allSearchAttributes, bindingFor, processOfRun, processes, runInput, stepExpectations } from '../../definitions';
import { exampleEvent } from '../../web/events/catalog';
import { workflowModule } from '../../workers/worker';

describe('process definitions', () => {
  const triggers = processes.flatMap((process) => process.triggers.map((trigger) => ({ process, trigger })));

  it('bind each event type to one trigger only', () => {
    const types = triggers.map(({ trigger }) => trigger.type);
    expect(new Set(types).size).toBe(types.length);
  });

  it.each(triggers.map(({ process, trigger }) => [trigger.type, process, trigger] as const))(
    '%s: its example is valid, maps to a valid input and derives its workflow id from the business key',
    (_type, process, trigger) => {
      const event = exampleEvent(trigger);
      expect(bindingFor(event.type)).toEqual({ process, trigger });
      const data = trigger.data.parse(event.data);
      expect(trigger.workflowId(data)).toMatch(new RegExp(`^${process.name}-`));
      if (trigger.kind === 'start') {
        const input = runInput(process, trigger, data, event);
        expect(input.error).toBeUndefined();
        expect(process.initialSearchAttributes(input.data).every((pair) => process.searchAttributes.includes(pair.key))).toBe(true);
      }
    },
  );

  it('use kebab-case names and task queues', () => {
    for (const process of processes) {
      expect(process.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(process.taskQueue).toMatch(/^[a-z]+(-[a-z]+)*$/);
    }
  });

  it('find a run’s process by the longest name its workflow id starts with', () => {
    const registry = processes.filter(({ name }) => name === 'contract-approval');
    const withShorter = [{ ...registry[0], name: 'contract' }, ...registry];
    expect(processOfRun('contract-approval-K-1', withShorter)).toBe('contract-approval');
    expect(processOfRun('contract-K-1', withShorter)).toBe('contract');
    expect(processOfRun('contracting-K-1', withShorter)).toBeUndefined();
  });

  it('say how long their automated steps take at most in durations, by step', () => {
    for (const process of processes)
      for (const [step, expected] of Object.entries(process.expectations ?? {})) {
        expect(step).toMatch(/^[a-z0-9:-]+$/);
        expect(stepExpectations([process])).toContainEqual({ process: process.name, step, ms: expect.any(Number) });
        expect(expected).toBeTruthy();
      }
    const typo = { ...processes[0], expectations: { shipping: 'an hour' } };
    expect(() => stepExpectations([typo])).toThrow(`${typo.name}: expectations.shipping must be a duration (30 minutes), not "an hour"`);
  });

  it('register every search attribute once, progress attributes included', () => {
    const names = allSearchAttributes().map((key) => key.name);
    expect(names).toEqual(expect.arrayContaining(['ProcessStep', 'WaitingOn', 'WaitDeadline', 'CustomerId']));
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(processes.map((process) => [process.name, process] as const))(
    "%s: its workflow is exported from workflows/<process name>, where the workers' bundle takes it",
    (_name, process) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      expect(require(workflowModule(process))[process.workflow.name]).toBe(process.workflow);
    },
  );

  it.each(processes.map((process) => [process.name, process] as const))(
    '%s: its demo starts a run with its own events, and says where a run it does not finish rests',
    (_name, { demo, triggers }) => {
      const kinds = demo.events.map((type) => triggers.find((trigger) => trigger.type === type)?.kind);
      expect(kinds).not.toContain(undefined);
      // One start, first: the events that follow signal the run it started.
      expect(kinds).toEqual(['start', ...kinds.slice(1).map(() => 'signal')]);
      for (const [step, said] of Object.entries({ ...demo.plays, ...demo.restsAt })) {
        expect(step).toMatch(/^[a-z0-9:-]+$/);
        expect(said).toBeTruthy();
      }
      expect(Object.keys(demo.plays ?? {}).filter((step) => step in (demo.restsAt ?? {}))).toEqual([]);
    },
  );
});
