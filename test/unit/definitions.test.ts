import { allSearchAttributes, bindingFor, processes } from '../../definitions';
import { exampleEvent } from '../../intake/catalog';

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
        const input = process.input.parse(trigger.input(data, event, process.settings));
        expect(process.initialSearchAttributes(input).every((pair) => process.searchAttributes.includes(pair.key))).toBe(true);
      }
    },
  );

  it('use kebab-case names and task queues', () => {
    for (const process of processes) {
      expect(process.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(process.taskQueue).toMatch(/^[a-z]+(-[a-z]+)*$/);
    }
  });

  it('register every search attribute once, progress attributes included', () => {
    const names = allSearchAttributes().map((key) => key.name);
    expect(names).toEqual(expect.arrayContaining(['ProcessStep', 'WaitingOn', 'WaitDeadline', 'CustomerId']));
    expect(new Set(names).size).toBe(names.length);
  });
});
