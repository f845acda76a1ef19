// The version attributes of Service Fabric manifests, found and rewritten in the text itself:
// nothing else of the file changes (comments, attribute order, quoting, line endings, encoding and
// byte order mark), because the XML is never parsed into objects and written back.
import { declaredVersion } from '../util/stamp-suffix.js';

export { declaredVersion };

export type ManifestEncoding = 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be';

/** A manifest file's text and how to write it back. UTF-16 is told by its byte order mark. */
export function decodeManifest(bytes: Buffer): { text: string; encoding: ManifestEncoding } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: bytes.subarray(3).toString('utf8'), encoding: 'utf8-bom' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: bytes.subarray(2).toString('utf16le'), encoding: 'utf16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: swapBytes(bytes.subarray(2)).toString('utf16le'), encoding: 'utf16be' };
  return { text: bytes.toString('utf8'), encoding: 'utf8' };
}

export function encodeManifest(text: string, encoding: ManifestEncoding): Buffer {
  switch (encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf16be':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), swapBytes(Buffer.from(text, 'utf16le'))]);
  }
}

function swapBytes(b: Buffer): Buffer {
  const out = Buffer.from(b.subarray(0, b.length - (b.length % 2)));
  return out.swap16();
}

/** An attribute of a start tag: its value as written, and where that value sits in the text. */
export interface AttributeSpan {
  value: string;
  start: number;
  end: number;
}

export interface StartTag {
  /** Local name (any namespace prefix dropped). */
  name: string;
  /** 0 for the root element. */
  depth: number;
  attributes: Map<string, AttributeSpan>;
}

/**
 * The start tags of an XML document in order, skipping comments, CDATA, processing instructions and
 * the doctype. The document is well-formed already (the package validation checked it).
 */
export function startTags(text: string): StartTag[] {
  const tags: StartTag[] = [];
  let depth = 0;
  let i = 0;
  const skipTo = (end: string, from: number) => {
    const at = text.indexOf(end, from);
    return at < 0 ? text.length : at + end.length;
  };
  while ((i = text.indexOf('<', i)) >= 0) {
    if (text.startsWith('<!--', i)) i = skipTo('-->', i + 4);
    else if (text.startsWith('<![CDATA[', i)) i = skipTo(']]>', i + 9);
    else if (text.startsWith('<?', i)) i = skipTo('?>', i + 2);
    else if (text.startsWith('<!', i)) i = skipDoctype(text, i);
    else if (text.startsWith('</', i)) {
      depth--;
      i = skipTo('>', i + 2);
    } else {
      const tag = readStartTag(text, i + 1, depth);
      tags.push(tag.tag);
      if (!tag.selfClosing) depth++;
      i = tag.next;
    }
  }
  return tags;
}

function skipDoctype(text: string, from: number): number {
  let bracket = 0;
  for (let i = from + 2; i < text.length; i++) {
    const c = text[i];
    if (c === '[') bracket++;
    else if (c === ']') bracket--;
    else if (c === '>' && bracket <= 0) return i + 1;
  }
  return text.length;
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\n';

function readStartTag(text: string, from: number, depth: number): { tag: StartTag; selfClosing: boolean; next: number } {
  let i = from;
  while (i < text.length && !isSpace(text[i]) && text[i] !== '/' && text[i] !== '>') i++;
  const qualified = text.slice(from, i);
  const tag: StartTag = { name: qualified.slice(qualified.indexOf(':') + 1), depth, attributes: new Map() };
  for (;;) {
    while (isSpace(text[i])) i++;
    if (i >= text.length) return { tag, selfClosing: false, next: i };
    if (text[i] === '>') return { tag, selfClosing: false, next: i + 1 };
    if (text.startsWith('/>', i)) return { tag, selfClosing: true, next: i + 2 };
    const nameStart = i;
    while (i < text.length && text[i] !== '=' && !isSpace(text[i]) && text[i] !== '>' && text[i] !== '/') i++;
    const name = text.slice(nameStart, i);
    while (isSpace(text[i])) i++;
    if (text[i] !== '=') continue; // not well-formed; the validation refused it already
    i++;
    while (isSpace(text[i])) i++;
    const quote = text[i];
    if (quote !== '"' && quote !== "'") continue;
    const start = i + 1;
    const end = text.indexOf(quote, start);
    if (end < 0) return { tag, selfClosing: false, next: text.length };
    tag.attributes.set(name, { value: text.slice(start, end), start, end });
    i = end + 1;
  }
}

export interface AttributeEdit {
  span: AttributeSpan;
  value: string;
}

/** The text with each attribute value replaced; everything else byte for byte as it was. */
export function rewriteAttributes(text: string, edits: AttributeEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    out += text.slice(at, e.span.start) + e.value;
    at = e.span.end;
  }
  return out + text.slice(at);
}

export interface ServiceManifestVersions {
  /** `Version` of the root `<ServiceManifest>`. */
  self: AttributeSpan;
  /** `Version` of each `<CodePackage>`, `<ConfigPackage>`, `<DataPackage>`, by kind and Name as written. */
  parts: { kind: string; name: string; version: AttributeSpan }[];
}

const PART_ELEMENTS = new Set(['CodePackage', 'ConfigPackage', 'DataPackage']);

export function serviceManifestVersions(text: string, what: string): ServiceManifestVersions {
  const tags = startTags(text);
  const root = tags.find(t => t.depth === 0);
  const self = root?.name === 'ServiceManifest' ? root.attributes.get('Version') : undefined;
  if (!self) throw new Error(`${what}: no Version attribute on <ServiceManifest> was found.`);
  const parts = tags
    .filter(t => t.depth === 1 && PART_ELEMENTS.has(t.name))
    .map(t => ({ kind: t.name, name: t.attributes.get('Name')?.value ?? '', version: t.attributes.get('Version') }))
    .filter((p): p is { kind: string; name: string; version: AttributeSpan } => p.version !== undefined);
  return { self, parts };
}

export interface ApplicationManifestVersions {
  /** `ApplicationTypeVersion` of the root `<ApplicationManifest>`. */
  self: AttributeSpan;
  /** `ServiceManifestVersion` of each `<ServiceManifestImport><ServiceManifestRef>`, by ServiceManifestName as written. */
  imports: { name: string; version: AttributeSpan }[];
}

export function applicationManifestVersions(text: string, what: string): ApplicationManifestVersions {
  const tags = startTags(text);
  const root = tags.find(t => t.depth === 0);
  const self = root?.name === 'ApplicationManifest' ? root.attributes.get('ApplicationTypeVersion') : undefined;
  if (!self) throw new Error(`${what}: no ApplicationTypeVersion attribute on <ApplicationManifest> was found.`);
  const imports = tags
    .filter(t => t.depth === 2 && t.name === 'ServiceManifestRef')
    .map(t => ({ name: t.attributes.get('ServiceManifestName')?.value ?? '', version: t.attributes.get('ServiceManifestVersion') }))
    .filter((r): r is { name: string; version: AttributeSpan } => r.version !== undefined);
  return { self, imports };
}

export function stampedVersion(declared: string, digest: string): string {
  return `${declared}-${digest}`;
}

/**
 * Characters a declared version may have to take a stamp: letters, digits, `.`, `_` and `-`,
 * beginning with a letter or a digit. [undoc: Service Fabric versions are free strings, but each
 * becomes part of a file or folder name in the cluster's store and on every node, and a URL query
 * value; this set is safe in all of them.]
 */
export const DECLARED_VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
