import { builtinModules } from 'node:module';
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

/** officeflow's rooms (top-level folders of code), and the import patterns that reach one from anywhere in the tree. */
const rooms = [
  'contracts',
  'workflows',
  'activities',
  'definitions',
  'human-tasks',
  'intake',
  'engine',
  'workers',
  'cli',
  'config',
  'infra',
  'db',
  'codec',
  'bench',
  'test',
];
const room = (name) => [`../${name}`, `../${name}/**`, `../../${name}`, `../../${name}/**`, `../../../${name}`, `../../../${name}/**`];

/** A room that may import only the rooms named (and itself, and packages): what Layout in the README shows. */
const mayImport = (name, allowed) => [
  {
    files: [`${name}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: rooms.filter((other) => other !== name && !allowed.includes(other)).flatMap(room),
              message: `${name}/ imports only ${allowed.join(', ')} (see Layout in the README).`,
            },
          ],
        },
      ],
    },
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.officeflow/', 'coverage/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { varsIgnorePattern: '^_', argsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Workflow code is replayed and must stay deterministic: no I/O, no Node built-ins, and nothing from outside
    // workflows/ and contracts/ (which the bundle would carry in unchecked). Activity types are erased: allowed.
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
            {
              group: rooms.filter((room) => !['workflows', 'contracts', 'activities'].includes(room)).flatMap(room),
              message: 'workflows/ imports only workflows/, contracts/ and the Temporal SDK (see Layout in the README).',
            },
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
  ...mayImport('definitions', ['contracts', 'workflows', 'config']),
  // Activities and workflows share shapes through contracts/, never through each other.
  ...mayImport('activities', ['contracts', 'config', 'infra', 'db', 'human-tasks', 'codec']),
  ...mayImport('human-tasks', ['contracts', 'config', 'db']),
  ...mayImport('config', ['contracts', 'activities']),
  ...mayImport('infra', ['contracts', 'config', 'codec', 'db']),
  ...mayImport('db', ['contracts', 'config']),
  ...mayImport('codec', ['contracts']),
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['jest.config.js'], languageOptions: { globals: { module: 'writable' } } },
);
