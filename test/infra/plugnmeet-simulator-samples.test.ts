import { crc32, inflateRawSync } from 'node:zlib';
import { fileTypeFromBuffer } from 'file-type';
import { describe, expect, it } from 'vitest';
import { buildSamples } from '../../infra/local/samples/generate';
import { readSample } from './plugnmeet-simulator-helpers';

/** Reads a zip's central directory and returns each entry's name and inflated, CRC-checked content. */
function readZipEntries(archive: Buffer): Map<string, Buffer> {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = archive.readUInt16LE(end + 10);
  let position = archive.readUInt32LE(end + 16);
  const entries = new Map<string, Buffer>();
  for (let index = 0; index < count; index += 1) {
    expect(archive.readUInt32LE(position)).toBe(0x02014b50);
    const method = archive.readUInt16LE(position + 10);
    const checksum = archive.readUInt32LE(position + 16);
    const compressedSize = archive.readUInt32LE(position + 20);
    const nameLength = archive.readUInt16LE(position + 28);
    const extraLength = archive.readUInt16LE(position + 30);
    const commentLength = archive.readUInt16LE(position + 32);
    const localOffset = archive.readUInt32LE(position + 42);
    const name = archive.subarray(position + 46, position + 46 + nameLength).toString('utf8');

    const dataStart = localOffset + 30 + archive.readUInt16LE(localOffset + 26) + archive.readUInt16LE(localOffset + 28);
    const data = archive.subarray(dataStart, dataStart + compressedSize);
    const content = method === 8 ? inflateRawSync(data) : Buffer.from(data);
    expect(crc32(content)).toBe(checksum);
    entries.set(name, content);
    position += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

describe('sample documents', () => {
  it('match what the generator writes', () => {
    // Act
    const generated = buildSamples();

    // Assess
    for (const [name, content] of Object.entries(generated)) expect(readSample(name).equals(content), name).toBe(true);
  });

  it.each([
    ['sample.pdf', 'pdf'],
    ['sample.docx', 'docx'],
    ['sample.pptx', 'pptx'],
    ['sample.xlsx', 'xlsx'],
    ['photo.png', 'png'],
  ])('file-type detects %s as %s', async (name, extension) => {
    // Act
    const detected = await fileTypeFromBuffer(readSample(name));

    // Assess
    expect(detected?.ext).toBe(extension);
  });

  it('has a PDF cross-reference table whose offsets point at the objects', () => {
    // Prepare
    const pdf = readSample('sample.pdf').toString('latin1');
    const startXref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(pdf)?.[1]);

    // Act
    const table = pdf.slice(startXref).split('\n');
    const entries = table.slice(3, 3 + 5);

    // Assess
    expect(table[0]).toBe('xref');
    expect(table[1]).toBe('0 6');
    entries.forEach((entry, index) => {
      const offset = Number(entry.slice(0, 10));
      expect(`${entry}\n`).toHaveLength(20);
      expect(pdf.slice(offset, offset + `${index + 1} 0 obj`.length)).toBe(`${index + 1} 0 obj`);
    });
  });

  it.each([
    ['sample.docx', ['[Content_Types].xml', '_rels/.rels', 'word/document.xml']],
    ['sample.xlsx', ['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/worksheets/sheet1.xml', 'xl/styles.xml']],
  ])('packs %s with intact entries', (name, expectedEntries) => {
    // Act
    const entries = readZipEntries(readSample(name));

    // Assess
    expect([...entries.keys()]).toStrictEqual(expectedEntries);
  });

  it('packs a presentation with every part its relationships name', () => {
    // Act
    const entries = readZipEntries(readSample('sample.pptx'));

    // Assess
    const targets = [...entries.entries()]
      .filter(([name]) => name.endsWith('.rels'))
      .flatMap(([name, content]) => {
        const folder = name.replace(/(^|\/)_rels\/[^/]*\.rels$/, '$1');
        return [...content.toString('utf8').matchAll(/Target="([^"]+)"/g)].map((match) => new URL(match[1] as string, `file:///${folder}`).pathname.slice(1));
      });
    for (const target of targets) expect(entries.has(target), target).toBe(true);
    expect(entries.get('ppt/slides/slide1.xml')?.toString('utf8')).toContain('plugNmeet simulator sample');
  });

  it('has a PNG whose chunks carry valid CRCs', () => {
    // Prepare
    const png = readSample('photo.png');
    const types: string[] = [];

    // Act
    for (let position = 8; position < png.length; ) {
      const length = png.readUInt32BE(position);
      const typeAndData = png.subarray(position + 4, position + 8 + length);
      expect(png.readUInt32BE(position + 8 + length)).toBe(crc32(typeAndData));
      types.push(typeAndData.subarray(0, 4).toString('latin1'));
      position += 12 + length;
    }

    // Assess
    expect(types).toStrictEqual(['IHDR', 'IDAT', 'IEND']);
  });

  it('has a plain UTF-8 text sample', () => {
    // Act
    const text = readSample('sample.txt').toString('utf8');

    // Assess
    expect(text).toMatch(/^plugNmeet simulator sample\n/);
  });
});
