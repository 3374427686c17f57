import { builtinModules } from 'node:module';
import eslint from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

/**
 * What each room (a top-level folder of code) may import besides itself and packages: the Layout in the README.
 * Rooms not listed (engine, cli, bench, test) compose the others and may import any.
 */
const layout = {
  contracts: [],
  // Activities by type only (checked below): the bundle carries nothing but workflow code and business shapes.
  workflows: ['contracts', 'activities'],
  definitions: ['contracts', 'workflows', 'config'],
  // Each system declares its settings beside its activities: the configuration reads them all.
  config: ['contracts', 'activities'],
  codec: ['contracts'],
  db: ['contracts', 'config'],
  infra: ['contracts', 'config', 'codec', 'db'],
  // Activities and workflows share shapes through contracts/, never through each other.
  activities: ['contracts', 'config', 'infra', 'db', 'codec'],
  // The HTTP edge: its primitives (errors, identity, the server) and the plugins that are not people's (events, documents).
  web: ['contracts', 'config', 'codec', 'db', 'infra', 'definitions', 'workflows', 'activities', 'insights'],
  // People's tasks outside workflow code: the task API, the inbox and one-click pages, over the task list's store.
  'human-tasks': ['contracts', 'config', 'codec', 'db', 'definitions', 'workflows', 'activities', 'web', 'insights'],
  workers: ['contracts', 'config', 'codec', 'db', 'definitions', 'workflows', 'activities', 'infra'],
  // Telling people of incidents: what it finds (runs, tasks, paused systems) and the channels it tells.
  alerts: ['contracts', 'config', 'db', 'infra'],
  // What the event log says of each process: reading it, and the report made of it.
  insights: ['contracts', 'db'],
};
const rooms = [...Object.keys(layout), 'engine', 'cli', 'bench', 'test'];
const zones = Object.entries(layout).map(([room, allowed]) => ({
  target: `./${room}`,
  from: rooms.filter((other) => other !== room && !allowed.includes(other)).map((other) => `./${other}`),
  message: `${room}/ ${allowed.length ? `imports only ${allowed.join(', ')}` : 'imports no other room'} (see Layout in the README).`,
}));

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.officeflow/', 'coverage/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver()] },
    rules: {
      // Rooms import downward only, by the files' real paths.
      'import-x/no-restricted-paths': ['error', { zones }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { varsIgnorePattern: '^_', argsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Workflow code is replayed and must stay deterministic: no I/O, no Node built-ins. Activity types are erased.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Workflow code must be deterministic: do I/O in an activity.',
          })),
          patterns: [
            { group: ['**/activities', '**/activities/**'], allowTypeImports: true, message: 'workflows import activities by type only.' },
          ],
        },
      ],
    },
  },
  {
    // Business shapes are the layer every other imports: they import none of them, and stay deterministic.
    files: ['contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Contracts are used in workflow code: keep them deterministic.' })),
          patterns: [{ group: ['../*'], message: 'contracts/ imports no other layer of officeflow.' }],
        },
      ],
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['jest.config.js'], languageOptions: { globals: { module: 'writable' } } },
);
