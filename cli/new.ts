import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CommandRefused } from './output';

const ROOT = path.resolve(__dirname, '..');
const TEMPLATES = path.join(__dirname, 'templates');

/** A kebab-case name in each of the spellings code uses, keyed by the template's own spelling of its sample name. */
function spellings(name: string, sample: string): Record<string, string> {
  const pascal = (kebab: string) =>
    kebab
      .split('-')
      .map((word) => word[0].toUpperCase() + word.slice(1))
      .join('');
  const camel = (kebab: string) => pascal(kebab)[0].toLowerCase() + pascal(kebab).slice(1);
  const title = (kebab: string) => kebab.replaceAll('-', ' ').replace(/^./, (first) => first.toUpperCase());
  return {
    [sample.replaceAll('-', '_').toUpperCase()]: name.replaceAll('-', '_').toUpperCase(),
    [pascal(sample)]: pascal(name),
    [camel(sample)]: camel(name),
    [sample]: name,
    [title(sample)]: title(name),
  };
}

/** Adds `line` to a registry file at the end of the list `list` matches, and the import `imported` after its last import. */
async function register(root: string, file: string, list: RegExp, line: string, imported?: string): Promise<string> {
  // Prettier writes a long list one item a line, each ending with a comma: a list item then follows the last comma.
  const joined = (items: string) =>
    line.startsWith(', ') && items.trimEnd().endsWith(',') ? `${items}${line.slice(2)},` : `${items}${line}`;
  const at = path.join(root, file);
  const source = readFileSync(at, 'utf8');
  if (!list.test(source)) throw new CommandRefused(`${file} has no list to register it in (looked for ${list})`);
  let text = source.replace(list, (_whole, opening: string, items: string, closing: string) => `${opening}${joined(items)}${closing}`);
  if (imported) {
    // After the last import of a module of the same room (`import crm from './crm';`), or the last import at all.
    const lastImport = [...text.matchAll(/^import \w+ from '\.\/[\w-]+';\n/gm)].at(-1) ?? [...text.matchAll(/^import .+;\n/gm)].at(-1)!;
    const after = lastImport.index + lastImport[0].length;
    text = `${text.slice(0, after)}${imported}\n${text.slice(after)}`;
  }
  writeFileSync(at, await formatted(text, at));
  return file;
}

/** Code formatted as the repository formats it (Prettier, with its configuration). */
async function formatted(text: string, at: string): Promise<string> {
  const prettier = await import('prettier');
  return prettier.format(text, { ...(await prettier.resolveConfig(at)), filepath: at });
}

/** Writes `files` (template → path) with the sample's names replaced, formatted as the repository formats code. */
async function fromTemplates(root: string, kind: string, files: Record<string, string>, names: Record<string, string>): Promise<string[]> {
  const written = Object.entries(files).map(([template, file]) => ({ template, file, at: path.join(root, file) }));
  const taken = written.filter(({ at }) => existsSync(at)).map(({ file }) => file);
  if (taken.length > 0) throw new CommandRefused(`a ${kind} of that name exists already: ${taken.join(', ')}`);
  for (const { template, at } of written) {
    let text = readFileSync(path.join(TEMPLATES, kind, template), 'utf8');
    for (const [from, to] of Object.entries(names)) text = text.replaceAll(from, to);
    mkdirSync(path.dirname(at), { recursive: true });
    writeFileSync(at, await formatted(text, at));
  }
  return written.map(({ file }) => file);
}

const KEBAB = /^[a-z]+(-[a-z]+)*$/;

/**
 * Writes a new process: its contract, workflow, definition and integration test, from a small approval process that
 * runs and passes as generated, and registers it. Returns the files written.
 */
export async function newProcess(name: string, { event = `${name.replaceAll('-', '_')}.submitted`, root = ROOT } = {}): Promise<string[]> {
  if (!KEBAB.test(name)) throw new CommandRefused(`name the process in kebab-case words, e.g. expense-reimbursement (not "${name}")`);
  if (!/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/.test(event))
    throw new CommandRefused(`name the event as <system>.<object>.<what happened>, e.g. hr.expense_claim.submitted (not "${event}")`);
  const names: Record<string, string> = { 'sample_request.submitted': event, ...spellings(name, 'sample-request') };
  const written = await fromTemplates(root, 'process', processFiles(name), names);
  const camel = names.sampleRequest;
  const registry = /(export const processes: ProcessDefinition\[\] = \[\n)([\s\S]*?)(\] as unknown as ProcessDefinition\[\];)/;
  return [...written, await register(root, 'definitions/index.ts', registry, `  ${camel},\n`, `import ${camel} from './${name}';`)];
}

const processFiles = (name: string) => ({
  'contract.ts.tmpl': `contracts/${name}.ts`,
  'workflow.ts.tmpl': `workflows/${name}.ts`,
  'definition.ts.tmpl': `definitions/${name}.ts`,
  'test.ts.tmpl': `test/integration/${name}.test.ts`,
});

/** The first default port from 8095 on that no setting in the repository claims (`port(8090)`). */
function freePortDefault(root: string): string {
  const claimed = new Set<number>();
  const scan = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const at = path.join(dir, entry.name);
      if (entry.isDirectory()) scan(at);
      else if (entry.name.endsWith('.ts'))
        for (const [, port] of readFileSync(at, 'utf8').matchAll(/\bport\((\d+)\)/g)) claimed.add(Number(port));
    }
  };
  for (const dir of ['activities', 'config']) scan(path.join(root, dir));
  let port = 8095;
  while (claimed.has(port)) port += 1;
  return String(port);
}

/**
 * Writes a new connected system (`activities/<name>/`): its settings, an activity over its HTTP API, a stand-in that
 * speaks that API where it is not configured, and a test; registers it and its activity's summary. Returns the files.
 */
export async function newSystem(name: string, { root = ROOT } = {}): Promise<string[]> {
  if (!KEBAB.test(name)) throw new CommandRefused(`name the system in kebab-case words, e.g. expense-portal (not "${name}")`);
  const names: Record<string, string> = { 'port(8095)': `port(${freePortDefault(root)})`, ...spellings(name, 'sample-system') };
  const written = await fromTemplates(root, 'system', systemFiles(name), names);
  const camel = names.sampleSystem;
  const systems = /(export const systems = \[)([\s\S]*?)(\] as const;)/;
  const activity = `sendTo${names.SampleSystem}`;
  const summaries = /(const summaries: \{[^\n]*\n)([\s\S]*?\n)(\};)/;
  return [
    ...written,
    await register(root, 'activities/index.ts', systems, `, ${camel}`, `import ${camel} from './${name}';`),
    await register(
      root,
      'workflows/activity-summaries.ts',
      summaries,
      `  ${activity}: ({ key }) => \`Send ${'${key}'} to ${names['Sample system'].toLowerCase()}\`,\n`,
    ),
  ];
}

const systemFiles = (name: string) => ({
  'index.ts.tmpl': `activities/${name}/index.ts`,
  'connector.ts.tmpl': `activities/${name}/connector.ts`,
  'stand-in.ts.tmpl': `activities/${name}/stand-in.ts`,
  'test.ts.tmpl': `test/integration/${name}.test.ts`,
});

/** `officeflow new process <name>` and `officeflow new system <name>`: a process owner's starting points. */
export function addNewCommands(program: Command): void {
  const create = program.command('new').description('start something new in this repository from a working template');
  create
    .command('process <name>')
    .description('write a new process (contract, workflow, definition, integration test) and register it')
    .option('--event <type>', 'the CloudEvents type that starts it (default: <name>.submitted, with underscores)')
    .action(async (name: string, options: { event?: string }) => {
      console.log(`wrote ${(await newProcess(name, options)).join(', ')}`);
      console.log(
        [
          '',
          'It runs as it is: a request approved by a manager, and by Finance from 250.00. Make it yours:',
          `  contracts/${name}.ts        what the event carries and what a run keeps (zod schemas)`,
          `  workflows/${name}.ts        the process itself, step by step`,
          `  definitions/${name}.ts      its event, settings (who approves), searches and demo`,
          `  test/integration/${name}.test.ts`,
          `Then: npm run test:fast, and npm run test:record -- test/integration/${name}.test.ts to record its histories.`,
        ].join('\n'),
      );
    });
  create
    .command('system <name>')
    .description('write a new connected system (settings, an activity over its API, a stand-in, a test) and register it')
    .action(async (name: string) => {
      console.log(`wrote ${(await newSystem(name)).join(', ')}`);
      console.log(
        [
          '',
          `Its activity, sendTo…, records an object over HTTP; its stand-in runs where ${name.replaceAll('-', '_').toUpperCase()}_URL is not set.`,
          `Speak the real system's API in activities/${name}/connector.ts (its official SDK where it has one), and the same in its stand-in.`,
        ].join('\n'),
      );
    });
}
