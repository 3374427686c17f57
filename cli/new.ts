import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CommandRefused } from './output';

const ROOT = path.resolve(__dirname, '..');
const TEMPLATES = path.join(__dirname, 'templates/process');

/** A process's name in each of the spellings its files use. */
function spellings(name: string, event: string) {
  const words = name.split('-');
  const pascal = words.map((word) => word[0].toUpperCase() + word.slice(1)).join('');
  return {
    'sample_request.submitted': event,
    SampleRequest: pascal,
    sampleRequest: pascal[0].toLowerCase() + pascal.slice(1),
    'sample-request': name,
    'Sample request': words.join(' ').replace(/^./, (first) => first.toUpperCase()),
  };
}

/** The files a new process is, from the templates (a small approval process that works as it is). */
const files = (name: string) => ({
  'contract.ts.tmpl': `contracts/${name}.ts`,
  'workflow.ts.tmpl': `workflows/${name}.ts`,
  'definition.ts.tmpl': `definitions/${name}.ts`,
  'test.ts.tmpl': `test/integration/${name}.test.ts`,
});

/** The registry line (and its import): `definitions/index.ts` lists every process. */
function register(root: string, name: string, camel: string): string {
  const registry = path.join(root, 'definitions/index.ts');
  const source = readFileSync(registry, 'utf8');
  const list = /(export const processes: ProcessDefinition\[\] = \[\n)([\s\S]*?)(\] as unknown as ProcessDefinition\[\];)/;
  if (!list.test(source)) throw new CommandRefused('definitions/index.ts has no `export const processes` list to add the process to');
  const lastImport = [...source.matchAll(/^import \w+ from '\.\/[\w-]+';\n/gm)].at(-1)!;
  const at = lastImport.index + lastImport[0].length;
  const withImport = `${source.slice(0, at)}import ${camel} from './${name}';\n${source.slice(at)}`;
  writeFileSync(registry, withImport.replace(list, `$1$2  ${camel},\n$3`));
  return 'definitions/index.ts';
}

/**
 * Writes a new process: its contract, workflow, definition and integration test, from a small approval process that
 * runs and passes as generated, and registers it. Returns the files written.
 */
export async function newProcess(name: string, { event = `${name.replaceAll('-', '_')}.submitted`, root = ROOT } = {}): Promise<string[]> {
  if (!/^[a-z]+(-[a-z]+)*$/.test(name))
    throw new CommandRefused(`name the process in kebab-case words, e.g. expense-reimbursement (not "${name}")`);
  if (!/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/.test(event))
    throw new CommandRefused(`name the event as <system>.<object>.<what happened>, e.g. hr.expense_claim.submitted (not "${event}")`);
  const names = spellings(name, event);
  const written = Object.entries(files(name)).map(([template, file]) => ({ template, file, at: path.join(root, file) }));
  const taken = written.filter(({ at }) => existsSync(at)).map(({ file }) => file);
  if (taken.length > 0) throw new CommandRefused(`a process named ${name} exists already: ${taken.join(', ')}`);
  // Formatted as the repository formats code: the new names change line lengths.
  const prettier = await import('prettier');
  for (const { template, at } of written) {
    let text = readFileSync(path.join(TEMPLATES, template), 'utf8');
    for (const [from, to] of Object.entries(names)) text = text.replaceAll(from, to);
    writeFileSync(at, await prettier.format(text, { ...(await prettier.resolveConfig(at)), filepath: at }));
  }
  return [...written.map(({ file }) => file), register(root, name, names.sampleRequest)];
}

/** `officeflow new process <name>`: a process owner's starting point. */
export function addNewCommands(program: Command): void {
  program
    .command('new')
    .description('start something new in this repository from a working template')
    .command('process <name>')
    .description('write a new process (contract, workflow, definition, integration test) and register it')
    .option('--event <type>', 'the CloudEvents type that starts it (default: <name>.submitted, with underscores)')
    .action(async (name: string, options: { event?: string }) => {
      const written = await newProcess(name, options);
      console.log(`wrote ${written.join(', ')}`);
      console.log(
        [
          '',
          'It runs as it is: a request approved by a manager, and by Finance from 250.00. Make it yours:',
          `  contracts/${name}.ts        what the event carries and what a run keeps (zod schemas)`,
          `  workflows/${name}.ts        the process itself, step by step`,
          `  definitions/${name}.ts      its event, settings (who approves), searches and demo`,
          `  test/integration/${name}.test.ts`,
          'Then: npm run test:fast, and npm run test:record -- test/integration/' + name + '.test.ts to record its histories.',
        ].join('\n'),
      );
    });
}
