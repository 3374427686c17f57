import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../config';
import { localIntakeUrl } from './engine';
import { type OutputOptions, answer } from './output';
import { type Identity, askingAs, request, tokenFor } from './tasks';

/** `officeflow document <key>`: saves a kept document, e.g. the screenshot a failed robot left, for operators. */
export function addDocumentCommand(program: Command, config: () => Config): void {
  askingAs(
    program
      .command('document')
      .description('save a document from the store (operators), e.g. a failed robot’s screenshot named in its error')
      .argument('<key>', 'the document key, e.g. evidence/hire-to-onboard-CAND-4001/2/attempt-1/screenshot.png')
      .option('--out <file>', 'where to save it (default: its file name, here)'),
  ).action(async (key: string, options: Identity & OutputOptions & { out?: string; intake?: string }) => {
    const url = new URL(`/documents/${key.split('/').map(encodeURIComponent).join('/')}`, options.intake ?? localIntakeUrl(config()));
    const response = await request(url.href, await tokenFor(config(), options));
    const file = options.out ?? path.basename(key);
    const content = Buffer.from(await response.arrayBuffer());
    writeFileSync(file, content);
    answer(options, { key, file, bytes: content.length }, () => `saved ${file}`);
  });
}
