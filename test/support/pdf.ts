import { execFile } from 'node:child_process';

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
