import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { validateXML } from 'xmllint-wasm';
import { findGo } from '../../infra/go';
import { StatementError } from './lines';

/**
 * The ISO 20022 message schemas (XSD) statements are checked against: those in `BANK_SCHEMAS_DIR` (put the official
 * ones a bank names there, e.g. `camt.053.001.02.xsd` from iso20022.org), and those the `moov-io/iso20022` Go module
 * ships unmodified (`camt.052/053/054.001.08`, among many), fetched once from the Go module proxy as the Temporal CLI is.
 */
const SCHEMA_MODULE = 'github.com/moov-io/iso20022@v0.2.1';

/** Every `*.xsd` under `dir`, by the message version its name says (`camt.053.001.08`). */
function schemasIn(dir: string, found = new Map<string, string>()): Map<string, string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) schemasIn(file, found);
    else if (/^[a-z]{4}\.\d{3}\.\d{3}\.\d{2}\.xsd$/.test(entry.name)) found.set(entry.name.slice(0, -4), file);
  }
  return found;
}

/** Where the Go module's schemas are, downloaded when missing; throws where there is no Go or no way to it. */
export async function schemaModuleDir(): Promise<string> {
  const go = findGo();
  if (!go) throw new Error('no Go to fetch them with');
  const { stdout } = await promisify(execFile)(go, ['mod', 'download', '-json', SCHEMA_MODULE], { encoding: 'utf8' });
  return path.join((JSON.parse(stdout) as { Dir: string }).Dir, 'docs', 'specifications');
}

/** The Go module's schemas, downloaded when missing; none where there is no Go or no way to it (then said, once). */
async function moduleSchemas(log: Pick<Logger, 'warn'>): Promise<Map<string, string>> {
  try {
    return schemasIn(await schemaModuleDir());
  } catch (error) {
    log.warn(
      { err: error, module: SCHEMA_MODULE },
      'no ISO 20022 schemas of the Go module: camt statements are read without their XSD check',
    );
    return new Map();
  }
}

export interface SchemaCheck {
  /** The schema the message was checked against, or undefined where officeflow has none for its version. */
  checkedAgainst?: string;
}

/**
 * Checks camt messages against the schema of the version they declare, where one is installed. The schemas are found
 * (and the Go module's fetched) from the start, in the background, so no import waits on a download.
 */
export function iso20022Schemas(dir: string | undefined, log: Pick<Logger, 'warn'>) {
  const schemas = moduleSchemas(log).then((fetched) => new Map([...fetched, ...(dir ? schemasIn(dir) : [])]));
  return {
    /** Refuses a message its schema refuses, naming the line and the element; what it was checked against. */
    async check(document: string, version: string, fileName: string): Promise<SchemaCheck> {
      const schema = (await schemas).get(version);
      if (!schema) return {};
      const result = await validateXML({
        xml: [{ fileName: 'statement.xml', contents: document }],
        schema: [{ fileName: path.basename(schema), contents: readFileSync(schema, 'utf8') }],
        // A year's statement can be large.
        maxMemoryPages: 16_384,
      });
      if (!result.valid) {
        const first = result.errors[0];
        const line = first?.loc?.lineNumber;
        throw new StatementError(
          fileName,
          line ? `line ${line}` : 'Document',
          `does not conform to ${version}: ${(first?.message ?? first?.rawMessage ?? 'invalid')
            .replace(/^statement\.xml:\d+: |Schemas validity error : /g, '')
            // Not the value itself: a name or an account number stays out of the reason kept and logged.
            .replace(/'[^']{0,500}' (is not|has a length)/g, 'its value $1')
            .replace(/The value '[^']{0,500}'/g, 'The value')
            // Element names as people read them, without their namespace.
            .replace(/\{urn:iso:std:iso:20022:tech:xsd:[^}]+\}/g, '')}`,
        );
      }
      return { checkedAgainst: version };
    },
  };
}

export type Iso20022Schemas = ReturnType<typeof iso20022Schemas>;
