import { execFile } from 'node:child_process';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRawStream, PDFString, decodePDFRawStream } from '@cantoo/pdf-lib';

// pdf.js loads its worker with a dynamic import, which jest's module sandbox refuses: read the PDF in plain Node.
const READ_TEXT = `
const { PDFParse } = require('pdf-parse');
const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk)).on('end', async () => {
  const parser = new PDFParse({ data: Buffer.concat(chunks) });
  process.stdout.write((await parser.getText()).text);
  await parser.destroy();
});`;

/** The text of a PDF, as a person reading it would find it. */
export function pdfText(pdf: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['-e', READ_TEXT], { cwd: __dirname }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
    child.stdin!.end(pdf);
  });
}

/** A file embedded in a PDF (as Factur-X embeds `factur-x.xml`), by name; undefined when there is none. */
export async function pdfAttachment(pdf: Buffer, name: string): Promise<Buffer | undefined> {
  const doc = await PDFDocument.load(pdf);
  const names = doc.catalog.lookupMaybe(PDFName.of('Names'), PDFDict)?.lookupMaybe(PDFName.of('EmbeddedFiles'), PDFDict);
  const entries = names?.lookupMaybe(PDFName.of('Names'), PDFArray);
  for (let i = 0; entries && i < entries.size(); i += 2) {
    const entryName = entries.lookup(i, PDFString, PDFHexString).decodeText();
    if (entryName !== name) continue;
    const file = entries
      .lookup(i + 1, PDFDict)
      .lookup(PDFName.of('EF'), PDFDict)
      .lookup(PDFName.of('F')) as PDFRawStream;
    return Buffer.from(decodePDFRawStream(file).decode());
  }
  return undefined;
}
