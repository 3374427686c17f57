import path from 'node:path';
import { z } from 'zod';
import { defineProcess } from '../../../definitions/define';
import type { ProcessDefinition } from '../../../definitions/define';
import { contractCheck } from './v1/contract-check';
import { digestCheck } from './v1/digest-check';

/** Where each build of the deploy test's processes lives, as bundleWorkflows takes it. */
export const buildDir = (build: 'v1' | 'v2'): string => path.join(__dirname, build);

const common = {
  settings: {},
  input: z.object({ settings: z.object({}) }),
  describe: () => ({ businessKey: 'deploy-check', summary: 'A run of the deploy test' }),
  searchAttributes: [],
  initialSearchAttributes: () => [],
  triggers: [],
  savedQueries: {},
  demo: { events: [] },
};

/** Two processes whose code changes between builds v1 and v2: one pinned, one that moves to the new build. */
export const deployTestProcesses = [
  defineProcess({ ...common, name: 'contract-check', description: 'Waits long', workflow: contractCheck, taskQueue: 'contract-check' }),
  defineProcess({
    ...common,
    name: 'digest-check',
    description: 'Waits briefly',
    workflow: digestCheck,
    taskQueue: 'digest-check',
    versioning: 'auto-upgrade',
  }),
] as unknown as ProcessDefinition[];
