import { readFileSync } from 'node:fs';
import path from 'node:path';
import { schemaModuleDir } from '../../activities/bank/schemas';

/**
 * The schema a refund run's pain.001.001.09 file is checked against in tests: pain.001.001.09's own XSD is on none of
 * the registries this machine reaches (npm, Debian, the Go module proxy), so its successor pain.001.001.10, which
 * `moov-io/iso20022` ships, checks the file's structure, the file read as that version. Where the .09 XSD is installed
 * (`BANK_SCHEMAS_DIR`), officeflow checks every run's file against it before anyone sees it.
 */
export async function nearestPainSchema() {
  const file = path.join(await schemaModuleDir(), 'payments_initiation_11', 'pain.001.001.10_1.xsd');
  return {
    file: { fileName: path.basename(file), contents: readFileSync(file, 'utf8') },
    asItsVersion: (xml: string) => xml.replaceAll('pain.001.001.09', 'pain.001.001.10'),
  };
}
