/**
 * Writes the sample documents of infra/local/samples/ that tests and local runs upload to the
 * plugNmeet simulator. The output is deterministic, and the generated files are committed, so
 * run this only after changing a builder: `npx tsx infra/local/samples/generate.ts`.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import { buildDocx, buildPptx, buildXlsx } from './ooxml-documents';

const SAMPLE_TEXT = 'plugNmeet simulator sample';

/** Builds a one-page PDF 1.4 with a Helvetica text line and a byte-exact cross-reference table. */
export function buildPdf(text: string): Buffer {
  const stream = `BT /F1 24 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
  ];
  // The binary comment line marks the file as binary for transfer tools, as PDF writers do.
  let output = '%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n';
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(Buffer.byteLength(output, 'latin1'));
    output += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xrefOffset = Buffer.byteLength(output, 'latin1');
  // Each cross-reference entry is exactly 20 bytes: 10 digits, space, 5 digits, space, type, space, newline.
  output += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  output += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  output += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.from(output, 'latin1');
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, checksum]);
}

/** Builds a 4×4 RGB PNG in two colours: a real image the server accepts as `png` and cannot convert. */
export function buildPng(): Buffer {
  const size = 4;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // colour type: RGB
  const rows: number[] = [];
  for (let y = 0; y < size; y += 1) {
    rows.push(0); // filter type: none
    for (let x = 0; x < size; x += 1) rows.push(...((x + y) % 2 === 0 ? [0x1e, 0x88, 0xe5] : [0xff, 0xff, 0xff]));
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(Buffer.from(rows))), pngChunk('IEND', Buffer.alloc(0))]);
}

/** Builds every sample file, keyed by file name. */
export function buildSamples(): Record<string, Buffer> {
  return {
    'sample.pdf': buildPdf(SAMPLE_TEXT),
    'sample.docx': buildDocx(SAMPLE_TEXT),
    'sample.pptx': buildPptx(SAMPLE_TEXT),
    'sample.xlsx': buildXlsx(),
    'sample.txt': Buffer.from(`${SAMPLE_TEXT}\nA plain text file: the server sniffs it as txt and converts it with soffice.\n`, 'utf8'),
    'photo.png': buildPng(),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const folder = dirname(fileURLToPath(import.meta.url));
  for (const [name, content] of Object.entries(buildSamples())) {
    writeFileSync(join(folder, name), content);
    console.log(`wrote ${name} (${content.length} bytes)`);
  }
}
