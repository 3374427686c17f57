import { z } from 'zod';
import type { ProcessDefinition, Trigger } from '../../definitions/define';
import type { CloudEvent } from './cloudevent';

/** A complete, valid structured-mode CloudEvent for a trigger: what the catalog shows and the demo sends. */
export function exampleEvent(trigger: Trigger): CloudEvent {
  const { source, id, subject, data } = trigger.example;
  return { specversion: '1.0', id, source, type: trigger.type, ...(subject ? { subject } : {}), datacontenttype: 'application/json', data };
}

/** The processes as a front-office integrator needs them: which events to send, with what data. */
export function processCatalog(registry: ProcessDefinition[]) {
  return registry.map((process) => ({
    name: process.name,
    description: process.description,
    taskQueue: process.taskQueue,
    triggers: process.triggers.map((trigger) => ({
      type: trigger.type,
      action: trigger.kind === 'start' ? 'starts the process' : `signals the running process (${trigger.signal.name})`,
      description: trigger.description,
      dataSchema: z.toJSONSchema(trigger.data, { io: 'input' }),
      example: exampleEvent(trigger),
    })),
  }));
}
