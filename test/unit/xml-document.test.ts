import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseApplicationParameterFile } from '../../src/deploy/application-parameters.js';
import { parsePublishProfile } from '../../src/deploy/publish-profile.js';
import { canonicalXml, ManifestError, parseApplicationManifest } from '../../src/protocol/manifests.js';
import { decodeXmlReferences, readXmlDocument, XmlDocumentError } from '../../src/protocol/xml-document.js';

const parameterFile = (value: string, prolog = '') =>
  `<?xml version="1.0" encoding="utf-8"?>${prolog}<Application Name="fabric:/V" xmlns="http://schemas.microsoft.com/2011/01/fabric"><Parameters><Parameter Name="P" Value="${value}" /></Parameters></Application>`;

test('character references and the five predefined entities are decoded, once', () => {
  assert.equal(decodeXmlReferences('&#65;&#x42;&#x1F600;&amp;&lt;&gt;&quot;&apos;', 'f'), 'AB😀&<>"\'');
  assert.equal(decodeXmlReferences('&amp;#65;', 'f'), '&#65;');
  const file = parseApplicationParameterFile(parameterFile('Server=&#x41;&#66;;Password=a&amp;b&lt;'), "'Cloud.xml'");
  assert.deepEqual(file.parameters, [{ name: 'P', value: 'Server=AB;Password=a&b<' }]);
});

test('text is decoded too, and CDATA is read as it is', () => {
  const doc = readXmlDocument('<a><b>x&#65;&amp;</b><c><![CDATA[&#65; &amp; <x>]]></c></a>', 'f');
  assert.deepEqual(doc, { a: { b: 'xA&', c: '&#65; &amp; <x>' } });
});

test('a manifest with character references reads the same as the plain one (canonical form too)', () => {
  const plain =
    '<ApplicationManifest ApplicationTypeName="Vötíng" ApplicationTypeVersion="1.0.0"><Parameters><Parameter Name="A" DefaultValue="x y" /></Parameters></ApplicationManifest>';
  const encoded = plain.replace('Vötíng', 'V&#xF6;t&#237;ng').replace('x y', 'x&#32;y');
  assert.deepEqual(parseApplicationManifest(encoded), parseApplicationManifest(plain));
  assert.equal(parseApplicationManifest(encoded).typeName, 'Vötíng');
  assert.equal(canonicalXml(encoded), canonicalXml(plain));
});

test('a DTD is refused with one sentence naming the file, whatever it declares', () => {
  for (const prolog of [
    '<!DOCTYPE Application [<!ENTITY h "hi">]>',
    '<!DOCTYPE Application [<!ENTITY h SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE Application SYSTEM "x.dtd">'
  ]) {
    assert.throws(
      () => parseApplicationParameterFile(parameterFile('&h;', prolog), "'ApplicationParameters/Cloud.xml'"),
      (err: Error) => {
        assert.match(err.message, /^'ApplicationParameters\/Cloud.xml' has a document type declaration \(<!DOCTYPE…\): .*remove it\.$/);
        assert.doesNotMatch(err.message, /External entities/);
        return true;
      }
    );
  }
  assert.throws(
    () =>
      parseApplicationManifest(
        '<!DOCTYPE x [<!ENTITY v "1.0">]><ApplicationManifest ApplicationTypeName="T" ApplicationTypeVersion="&v;" />',
        'ApplicationManifest.xml'
      ),
    (err: Error) => err instanceof ManifestError && /^ApplicationManifest.xml has a document type declaration/.test(err.message)
  );
  assert.throws(() => parsePublishProfile('<!DOCTYPE p><PublishProfile />', 'Cloud.xml'), /The publish profile 'Cloud.xml' has a document type declaration/);
});

test('a DOCTYPE inside a comment or CDATA is text, not a DTD', () => {
  assert.deepEqual(readXmlDocument('<!-- <!DOCTYPE x> --><a><![CDATA[<!DOCTYPE y>]]></a>', 'f'), { a: '<!DOCTYPE y>' });
});

test('an entity reference that cannot be expanded, or a bad reference, is refused naming the file', () => {
  assert.throws(() => parseApplicationParameterFile(parameterFile('&h;'), "'p.xml'"), /'p.xml' uses the entity reference '&h;', which XML does not define/);
  assert.throws(() => parseApplicationParameterFile(parameterFile('&nbsp;'), "'p.xml'"), /entity reference '&nbsp;'/);
  assert.throws(
    () => parseApplicationParameterFile(parameterFile('&#0;'), "'p.xml'"),
    /'p.xml' has the character reference '&#0;', which is not a character XML allows/
  );
  assert.throws(() => parseApplicationParameterFile(parameterFile('&#xD800;'), "'p.xml'"), /'&#xD800;'/);
  assert.throws(() => parseApplicationParameterFile(parameterFile('&#x110000;'), "'p.xml'"), /'&#x110000;'/);
  assert.throws(
    () => readXmlDocument('<a>x &#65</a>', "'t.xml'"),
    (err: Error) => err instanceof XmlDocumentError && /^'t.xml' is not well-formed XML/.test(err.message)
  );
});

test('attribute values are normalized as XML says: a literal tab or line break is a space, a referenced one stays', () => {
  const doc = readXmlDocument('<a v="x\ty\r\nz" w="x&#9;y&#10;z">l1\r\nl2</a>', 'f');
  assert.deepEqual(doc, { a: { '@v': 'x y z', '@w': 'x\ty\nz', '#text': 'l1\nl2' } });
});

test('parameter values are trimmed as before, but a space written as a character reference is kept', () => {
  const file = parseApplicationParameterFile(parameterFile(' 3 '), "'p.xml'");
  assert.equal(file.parameters[0]?.value, '3');
  assert.equal(parseApplicationParameterFile(parameterFile('&#32;3&#x20;'), "'p.xml'").parameters[0]?.value, ' 3 ');
});
