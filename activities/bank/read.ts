import type { BankStatement } from '../../contracts/bank';
import { camtVersion, readCamt } from './camt';
import { StatementError } from './lines';
import { isMt940, readMt940 } from './mt940';
import type { Iso20022Schemas, SchemaCheck } from './schemas';

/** A statement file read: its statements, and what its schema check found. */
export interface ReadStatementFile extends SchemaCheck {
  statements: BankStatement[];
}

/** A file's text: UTF-8, as camt declares it, else Windows-1252, in which many banks still write MT940 (`Müller`). */
function decoded(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/**
 * Reads a statement file whatever its format: a camt message (checked first against the ISO 20022 schema of the
 * version it declares, where one is installed) or MT940. A StatementError names the file and the element at fault.
 */
export async function readStatementFile(fileName: string, bytes: Buffer, schemas: Iso20022Schemas): Promise<ReadStatementFile> {
  const content = decoded(bytes);
  const version = camtVersion(content.slice(0, 4000));
  if (version) {
    const checked = await schemas.check(content, version, fileName);
    return { statements: readCamt(content, fileName), ...checked };
  }
  if (isMt940(content)) return { statements: readMt940(content, fileName) };
  throw new StatementError(fileName, 'file', 'is neither an ISO 20022 camt.052/053/054 message nor an MT940 statement');
}
