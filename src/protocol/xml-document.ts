// The one XML reader for every file the action and the emulator read: application and service
// manifests, application parameter files, publish profiles. It decodes what XML itself defines
// (the five predefined entities and character references, `&#65;` / `&#x41;`) and refuses what
// these files never need and what makes XML dangerous or ambiguous: a document type declaration
// (DTD, and with it every entity declaration) and a reference to an entity it cannot expand.
// fast-xml-parser is used with its own entity handling off: it leaves character references as
// text and expands internal DTD entities, which the cluster's reader would not do the same way.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** An XML file that is not well-formed, or uses what this reader refuses; the message names the file. */
export class XmlDocumentError extends Error {
  override name = 'XmlDocumentError';
}

export type XmlNode = Record<string, unknown>;

export interface XmlReadOptions {
  /** Elements that are always read as arrays, even when there is one. */
  arrays?: ReadonlySet<string>;
  /** Trim text and attribute values (for comparing documents, formatting aside). */
  trim?: boolean;
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const REFERENCE = /&([^;&\s<>"']*);?/g;

/** XML 1.0's `Char`: what a character reference may stand for. */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/**
 * Decodes the references in one text or attribute value, in a single pass (so `&amp;#65;` stays
 * `&#65;`). Anything else after `&` is refused: an undeclared entity, a malformed reference.
 */
export function decodeXmlReferences(value: string, what: string): string {
  if (!value.includes('&')) return value;
  return value.replace(REFERENCE, (whole, name: string) => {
    if (!whole.endsWith(';') || name === '') {
      throw new XmlDocumentError(
        `${what} is not well-formed XML: '&' must start a reference such as '&amp;' (near '${whole.slice(0, 20)}'); write '&amp;' for a literal ampersand.`
      );
    }
    const predefined = PREDEFINED[name];
    if (predefined !== undefined) return predefined;
    const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(name);
    if (!numeric) {
      throw new XmlDocumentError(
        `${what} uses the entity reference '&${name};', which XML does not define and which this step does not expand: write the character itself or a character reference such as '&#233;'.`
      );
    }
    const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2]!, 10);
    if (!Number.isSafeInteger(code) || !isXmlChar(code)) {
      throw new XmlDocumentError(`${what} has the character reference '&${name};', which is not a character XML allows: remove it.`);
    }
    return String.fromCodePoint(code);
  });
}

/**
 * Walks the document as the parser will (comments, processing instructions, CDATA sections,
 * tags with quoted attributes) and refuses a DTD, which no Service Fabric file has. CDATA
 * sections are rewritten as the same text escaped, so that their content is never decoded.
 */
function withoutCdataRefusingDtd(xml: string, what: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) return out + xml.slice(i);
    out += xml.slice(i, lt);
    const skipTo = (end: string) => {
      const at = xml.indexOf(end, lt);
      return at < 0 ? xml.length : at + end.length;
    };
    if (xml.startsWith('<!--', lt)) {
      i = skipTo('-->');
      out += xml.slice(lt, i);
    } else if (xml.startsWith('<?', lt)) {
      i = skipTo('?>');
      out += xml.slice(lt, i);
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt);
      const text = xml.slice(lt + 9, end < 0 ? xml.length : end);
      out += text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      i = end < 0 ? xml.length : end + 3;
    } else if (xml.startsWith('<!', lt)) {
      throw new XmlDocumentError(
        `${what} has a document type declaration (${xml.slice(lt, lt + 9)}…): Service Fabric files have none, and this step reads no DTD or entity declaration, so remove it.`
      );
    } else {
      // A tag: skip to its '>' outside quoted attribute values.
      let j = lt + 1;
      let quote: string | undefined;
      for (; j < xml.length; j++) {
        const c = xml[j];
        if (quote) {
          if (c === quote) quote = undefined;
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '>') break;
      }
      i = Math.min(j + 1, xml.length);
      out += xml.slice(lt, i);
    }
  }
}

const parsers = new Map<string, XMLParser>();

function parserFor(options: XmlReadOptions, what: { current: string }): XMLParser {
  const arrays = options.arrays ?? new Set<string>();
  const key = `${options.trim === true}|${[...arrays].sort().join(',')}`;
  let parser = parsers.get(key);
  if (!parser) {
    parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@',
      removeNSPrefix: true,
      parseAttributeValue: false,
      parseTagValue: false,
      trimValues: options.trim === true,
      processEntities: false,
      htmlEntities: false,
      isArray: name => arrays.has(name),
      tagValueProcessor: (_name, value) => decodeXmlReferences(value, what.current),
      // XML's attribute-value normalization: a literal tab or line break is a space (one written
      // as a character reference, `&#10;`, stays what it is).
      attributeValueProcessor: (_name, value) => decodeXmlReferences(value.replace(/\r\n?|[\t\n]/g, ' '), what.current)
    });
    parsers.set(key, parser);
  }
  return parser;
}

// The processors above name the file being read; parsing is synchronous, so one slot is enough.
const reading = { current: 'the XML file' };

/**
 * Parses an XML document into plain objects (attributes as `@Name`, namespace prefixes removed),
 * decoding references; `what` names the file in every message.
 */
export function readXmlDocument(xml: string, what: string, options: XmlReadOptions = {}): XmlNode {
  // XML's end-of-line handling: CR LF and a lone CR are read as LF.
  const plain = withoutCdataRefusingDtd(xml.replace(/\r\n?/g, '\n'), what);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new XmlDocumentError(`${what} is not well-formed XML (line ${valid.err.line}: ${valid.err.msg}).`);
  reading.current = what;
  try {
    return parserFor(options, reading).parse(plain) as XmlNode;
  } catch (err) {
    if (err instanceof XmlDocumentError) throw err;
    throw new XmlDocumentError(`${what} cannot be read as XML: ${(err as Error).message}.`);
  }
}
