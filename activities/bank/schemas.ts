import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
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

/** The Go module's schemas, downloaded when missing; none where there is no Go (statements are then not XSD-checked). */
function moduleSchemas(): Map<string, string> {
  const go = findGo();
  if (!go) return new Map();
  const { Dir } = JSON.parse(execFileSync(go, ['mod', 'download', '-json', SCHEMA_MODULE], { encoding: 'utf8' })) as { Dir: string };
  return schemasIn(path.join(Dir, 'docs', 'specifications'));
}

export interface SchemaCheck {
  /** The schema the message was checked against, or undefined where officeflow has none for its version. */
  checkedAgainst?: string;
}

/** Checks camt messages against the schema of the version they declare, where one is installed. */
export function iso20022Schemas(dir?: string) {
  let known: Map<string, string> | undefined;
  const schemas = () => (known ??= new Map([...moduleSchemas(), ...(dir ? schemasIn(dir) : [])]));
  return {
    /** The versions officeflow can check, for the log and the README. */
    versions: () => [...schemas().keys()].filter((version) => version.startsWith('camt.')).sort(),
    /** Refuses a message its schema refuses, naming the line and the element; what it was checked against. */
    async check(document: string, version: string, fileName: string): Promise<SchemaCheck> {
      const schema = schemas().get(version);
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
            // Element names as people read them, without their namespace.
            .replace(/\{urn:iso:std:iso:20022:tech:xsd:[^}]+\}/g, '')}`,
        );
      }
      return { checkedAgainst: version };
    },
  };
}

export type Iso20022Schemas = ReturnType<typeof iso20022Schemas>;
