import { buildZip, type ZipEntry } from './zip-writer';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const PACKAGE_RELATIONSHIPS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const OFFICE_RELATIONSHIPS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const DRAWINGML = 'http://schemas.openxmlformats.org/drawingml/2006/main';
const PRESENTATIONML = 'http://schemas.openxmlformats.org/presentationml/2006/main';

function part(name: string, xml: string): ZipEntry {
  return { name, content: Buffer.from(XML_DECLARATION + xml, 'utf8') };
}

function contentTypes(overrides: Record<string, string>): ZipEntry {
  const lines = Object.entries(overrides).map(([partName, type]) => `<Override PartName="${partName}" ContentType="${type}"/>`);
  return part(
    '[Content_Types].xml',
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      `${lines.join('')}</Types>`,
  );
}

function relationships(name: string, targets: Array<[id: string, type: string, target: string]>): ZipEntry {
  const lines = targets.map(([id, type, target]) => `<Relationship Id="${id}" Type="${OFFICE_RELATIONSHIPS}/${type}" Target="${target}"/>`);
  return part(name, `<Relationships xmlns="${PACKAGE_RELATIONSHIPS}">${lines.join('')}</Relationships>`);
}

/** Builds a one-paragraph WordprocessingML document. */
export function buildDocx(text: string): Buffer {
  return buildZip([
    contentTypes({ '/word/document.xml': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml' }),
    relationships('_rels/.rels', [['rId1', 'officeDocument', 'word/document.xml']]),
    part(
      'word/document.xml',
      '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
        `<w:body><w:p><w:r><w:t>${text}</w:t></w:r></w:p>` +
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr>' +
        '</w:body></w:document>',
    ),
  ]);
}

/** Builds a one-sheet SpreadsheetML workbook with a header row and one data row. */
export function buildXlsx(): Buffer {
  return buildZip([
    contentTypes({
      '/xl/workbook.xml': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
      '/xl/worksheets/sheet1.xml': 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml',
      '/xl/styles.xml': 'application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml',
    }),
    relationships('_rels/.rels', [['rId1', 'officeDocument', 'xl/workbook.xml']]),
    part(
      'xl/workbook.xml',
      `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${OFFICE_RELATIONSHIPS}">` +
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    ),
    relationships('xl/_rels/workbook.xml.rels', [
      ['rId1', 'worksheet', 'worksheets/sheet1.xml'],
      ['rId2', 'styles', 'styles.xml'],
    ]),
    part(
      'xl/worksheets/sheet1.xml',
      '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Room</t></is></c><c r="B1" t="inlineStr"><is><t>Pages</t></is></c></row>' +
        '<row r="2"><c r="A2" t="inlineStr"><is><t>sample-room</t></is></c><c r="B2"><v>1</v></c></row>' +
        '</sheetData></worksheet>',
    ),
    part(
      'xl/styles.xml',
      '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>' +
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>' +
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
        '</styleSheet>',
    ),
  ]);
}

const EMPTY_SHAPE_TREE =
  '<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>' +
  '<p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>';

function solidFill(color: string): string {
  return `<a:solidFill><a:srgbClr val="${color}"/></a:solidFill>`;
}

/** Builds a theme with the parts DrawingML requires: 12 colours, a font pair and three of each style. */
function themePart(): ZipEntry {
  const colors = ['dk2:44546A', 'lt2:E7E6E6', 'accent1:4472C4', 'accent2:ED7D31', 'accent3:A5A5A5', 'accent4:FFC000', 'accent5:5B9BD5', 'accent6:70AD47', 'hlink:0563C1', 'folHlink:954F72'];
  const colorXml = colors.map((entry) => {
    const [name, value] = entry.split(':');
    return `<a:${name}><a:srgbClr val="${value}"/></a:${name}>`;
  });
  const font = '<a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/>';
  const fill = solidFill('FFFFFF');
  const line = `<a:ln w="6350">${solidFill('000000')}</a:ln>`;
  const effect = '<a:effectStyle><a:effectLst/></a:effectStyle>';
  return part(
    'ppt/theme/theme1.xml',
    `<a:theme xmlns:a="${DRAWINGML}" name="Sample"><a:themeElements>` +
      '<a:clrScheme name="Sample"><a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>' +
      `${colorXml.join('')}</a:clrScheme>` +
      `<a:fontScheme name="Sample"><a:majorFont>${font}</a:majorFont><a:minorFont>${font}</a:minorFont></a:fontScheme>` +
      `<a:fmtScheme name="Sample"><a:fillStyleLst>${fill.repeat(3)}</a:fillStyleLst><a:lnStyleLst>${line.repeat(3)}</a:lnStyleLst>` +
      `<a:effectStyleLst>${effect.repeat(3)}</a:effectStyleLst><a:bgFillStyleLst>${fill.repeat(3)}</a:bgFillStyleLst></a:fmtScheme>` +
      '</a:themeElements></a:theme>',
  );
}

/** Builds a one-slide PresentationML deck with its slide master, blank layout and theme. */
export function buildPptx(text: string): Buffer {
  const namespaces = `xmlns:a="${DRAWINGML}" xmlns:r="${OFFICE_RELATIONSHIPS}" xmlns:p="${PRESENTATIONML}"`;
  const textBox =
    '<p:sp><p:nvSpPr><p:cNvPr id="2" name="Text 1"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr>' +
    '<p:spPr><a:xfrm><a:off x="914400" y="914400"/><a:ext cx="7315200" cy="914400"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr>' +
    `<p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="en-US" sz="2800"/><a:t>${text}</a:t></a:r></a:p></p:txBody></p:sp>`;
  return buildZip([
    contentTypes({
      '/ppt/presentation.xml': 'application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml',
      '/ppt/slides/slide1.xml': 'application/vnd.openxmlformats-officedocument.presentationml.slide+xml',
      '/ppt/slideLayouts/slideLayout1.xml': 'application/vnd.openxmlformats-officedocument.presentationml.slideLayout+xml',
      '/ppt/slideMasters/slideMaster1.xml': 'application/vnd.openxmlformats-officedocument.presentationml.slideMaster+xml',
      '/ppt/theme/theme1.xml': 'application/vnd.openxmlformats-officedocument.theme+xml',
    }),
    relationships('_rels/.rels', [['rId1', 'officeDocument', 'ppt/presentation.xml']]),
    part(
      'ppt/presentation.xml',
      `<p:presentation ${namespaces}>` +
        '<p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst>' +
        '<p:sldIdLst><p:sldId id="256" r:id="rId2"/></p:sldIdLst>' +
        '<p:sldSz cx="9144000" cy="6858000" type="screen4x3"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>',
    ),
    relationships('ppt/_rels/presentation.xml.rels', [
      ['rId1', 'slideMaster', 'slideMasters/slideMaster1.xml'],
      ['rId2', 'slide', 'slides/slide1.xml'],
      ['rId3', 'theme', 'theme/theme1.xml'],
    ]),
    part('ppt/slides/slide1.xml', `<p:sld ${namespaces}><p:cSld><p:spTree>${EMPTY_SHAPE_TREE}${textBox}</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>`),
    relationships('ppt/slides/_rels/slide1.xml.rels', [['rId1', 'slideLayout', '../slideLayouts/slideLayout1.xml']]),
    part(
      'ppt/slideLayouts/slideLayout1.xml',
      `<p:sldLayout ${namespaces} type="blank" preserve="1"><p:cSld name="Blank"><p:spTree>${EMPTY_SHAPE_TREE}</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>`,
    ),
    relationships('ppt/slideLayouts/_rels/slideLayout1.xml.rels', [['rId1', 'slideMaster', '../slideMasters/slideMaster1.xml']]),
    part(
      'ppt/slideMasters/slideMaster1.xml',
      `<p:sldMaster ${namespaces}><p:cSld><p:bg><p:bgRef idx="1001"><a:schemeClr val="bg1"/></p:bgRef></p:bg><p:spTree>${EMPTY_SHAPE_TREE}</p:spTree></p:cSld>` +
        '<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/>' +
        '<p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst></p:sldMaster>',
    ),
    relationships('ppt/slideMasters/_rels/slideMaster1.xml.rels', [
      ['rId1', 'slideLayout', '../slideLayouts/slideLayout1.xml'],
      ['rId2', 'theme', '../theme/theme1.xml'],
    ]),
    themePart(),
  ]);
}
