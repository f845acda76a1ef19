// The client certificate as Node's TLS wants it, from what users hold: PEM text (certificate and
// key together, or the key apart), a base64-encoded PFX/PKCS#12, or a path to a .pem/.pfx file.
// Checked here, before any request, by building a TLS context from it. A PFX in an old format
// (RC2-40 or 3DES, as OpenSSL 1.x and older Windows exports make) that Node's OpenSSL 3 refuses is
// read with node-forge, loaded only then, and used as PEM in memory.
import { existsSync, readFileSync, statSync } from 'node:fs';
import type * as Forge from 'node-forge';
import { createSecureContext } from 'node:tls';
import type { SecuritySettings as SecurityInputs } from '../cluster-target.js';
import { maskSecret, type Reporter } from '../../util/reporter.js';
import { SettingError as InputError, type SettingNames } from '../../util/settings.js';

/**
 * Where the certificate code reports (and masks the key material it reads: no default, so no caller
 * can forget it), and how the front door names its settings.
 */
export interface CertificateContext {
  reporter: Reporter;
  names: SettingNames;
}

export interface ClientCertificate {
  cert?: string;
  key?: string;
  pfx?: Buffer;
  passphrase?: string;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const PEM_KEY = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/;

/** The text or bytes an input stands for: itself, or the file it names. */
function resolveMaterial(input: string, value: string, reporter: Reporter): string | Buffer {
  if (value.includes('-----BEGIN')) return value;
  const looksLikePath = !/\s/.test(value) && value.length < 4096 && (/[\\/.]/.test(value) || existsSync(value));
  if (looksLikePath && existsSync(value)) {
    if (!statSync(value).isFile()) throw new InputError(`'${input}' names '${value}', which is not a file.`);
    const bytes = readFileSync(value);
    const text = bytes.toString('utf8');
    if (text.includes('-----BEGIN')) {
      maskSecret(reporter, text);
      return text;
    }
    return bytes;
  }
  if (looksLikePath && /\.(pem|pfx|p12|crt|cer|key)$/i.test(value)) {
    throw new InputError(`'${input}' names the file '${value}', which does not exist.`);
  }
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+=*$/.test(compact)) {
    throw new InputError(`'${input}' is neither PEM text, nor a base64-encoded PFX, nor the path of a .pem or .pfx file.`);
  }
  return Buffer.from(compact, 'base64');
}

/** The certificate as given, not yet checked; undefined when none is given. */
function certificateFromInputs(security: SecurityInputs, { reporter, names }: CertificateContext): ClientCertificate | undefined {
  if (security.clientCertificate === undefined) return undefined;
  const material = resolveMaterial(names.ClientCertificate, security.clientCertificate, reporter);
  const passphrase = security.clientCertificatePassword;
  if (Buffer.isBuffer(material)) {
    if (security.clientKey !== undefined) {
      throw new InputError(`'${names.ClientKey}' goes with a PEM certificate; a PFX in '${names.ClientCertificate}' holds its key already.`);
    }
    return { pfx: material, passphrase };
  }
  const certs = material.match(PEM_CERTIFICATE);
  if (!certs) throw new InputError(`'${names.ClientCertificate}' holds no PEM certificate ('-----BEGIN CERTIFICATE-----').`);
  let key = PEM_KEY.exec(material)?.[0];
  if (security.clientKey !== undefined) {
    const keyMaterial = resolveMaterial(names.ClientKey, security.clientKey, reporter);
    key = Buffer.isBuffer(keyMaterial) ? undefined : PEM_KEY.exec(keyMaterial)?.[0];
    if (!key) throw new InputError(`'${names.ClientKey}' holds no PEM private key ('-----BEGIN PRIVATE KEY-----').`);
  }
  if (!key) {
    throw new InputError(`'${names.ClientCertificate}' holds a certificate but no private key: add the key to it, or give it in '${names.ClientKey}'.`);
  }
  if (/ENCRYPTED/.test(key) && passphrase === undefined) {
    throw new InputError(`The private key of '${names.ClientCertificate}' is encrypted: give its password in '${names.ClientCertificatePassword}'.`);
  }
  return { cert: certs.join('\n'), key, passphrase };
}

/** Why Node's TLS cannot use the certificate, or undefined when it can. */
function tlsRefusal(certificate: ClientCertificate): Error | undefined {
  try {
    createSecureContext(certificate);
    return undefined;
  } catch (err) {
    return err as Error;
  }
}

/** Node's OpenSSL 3 has no legacy provider: RC2-40 and 3DES PFX files are "unsupported". */
function isUnsupportedPfx(err: Error): boolean {
  return /unsupported pkcs12|unsupported|RC2|legacy|no such algorithm/i.test(err.message);
}

const REEXPORT_ADVICE =
  "re-export it in a current format, for example with 'openssl pkcs12 -in old.pfx -nodes | openssl pkcs12 -export -out new.pfx' (or export it again from Windows with AES256-SHA256)";

/**
 * The client certificate, checked; undefined when none is given. Synchronous, so without the
 * fallback for old PFX files: use readClientCertificate() for that.
 */
export function loadClientCertificate(security: SecurityInputs, context: CertificateContext): ClientCertificate | undefined {
  const { names } = context;
  const certificate = certificateFromInputs(security, context);
  if (!certificate) return undefined;
  const refusal = tlsRefusal(certificate);
  if (refusal) throw new InputError(explainCertificateError(refusal, certificate.pfx !== undefined, names));
  return certificate;
}

/** The client certificate, checked, with old PFX files converted to PEM; undefined when none is given. */
export async function readClientCertificate(security: SecurityInputs, context: CertificateContext): Promise<ClientCertificate | undefined> {
  const { reporter, names } = context;
  const certificate = certificateFromInputs(security, context);
  if (!certificate) return undefined;
  const refusal = tlsRefusal(certificate);
  if (!refusal) return certificate;
  if (!certificate.pfx || !isUnsupportedPfx(refusal)) throw new InputError(explainCertificateError(refusal, certificate.pfx !== undefined, names));
  reporter.debug(`Node refused the PFX in '${names.ClientCertificate}' (${refusal.message}); reading it with node-forge`);
  const converted = await convertLegacyPfx(certificate.pfx, certificate.passphrase, context);
  const stillRefused = tlsRefusal(converted);
  if (stillRefused) {
    throw new InputError(`The PFX in '${names.ClientCertificate}' is in an old format that could not be used (${stillRefused.message}): ${REEXPORT_ADVICE}.`);
  }
  reporter.info(
    `The PFX in '${names.ClientCertificate}' uses old encryption (RC2 or 3DES) that Node no longer reads: it was converted in memory. Re-export it in a current format to skip this step.`
  );
  return converted;
}

/** Reads an old PFX with node-forge into PEM certificate(s) and key, masked before anything can print them. */
async function convertLegacyPfx(pfx: Buffer, passphrase: string | undefined, { reporter, names }: CertificateContext): Promise<ClientCertificate> {
  const { default: forge } = await import('node-forge');
  let p12: Forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(pfx.toString('binary'))), false, passphrase ?? '');
  } catch (err) {
    const reason = (err as Error).message;
    if (/MAC could not be verified|Invalid password|wrong password|decrypt/i.test(reason)) {
      throw new InputError(`'${names.ClientCertificatePassword}' does not open the PFX in '${names.ClientCertificate}': check the password.`);
    }
    throw new InputError(`The PFX in '${names.ClientCertificate}' could not be read (${reason}): ${REEXPORT_ADVICE}.`);
  }
  const oid = (name: string): string => {
    const value = forge.pki.oids[name];
    if (value === undefined) throw new Error(`internal: node-forge knows no OID named '${name}'`);
    return value;
  };
  const bagsOf = (bagType: string) => p12.getBags({ bagType })[bagType] ?? [];
  const keyBags = [...bagsOf(oid('pkcs8ShroudedKeyBag')), ...bagsOf(oid('keyBag'))];
  const certBags = bagsOf(oid('certBag'));
  const keyBag = keyBags[0];
  if (!keyBag || certBags.length === 0) {
    throw new InputError(
      `The PFX in '${names.ClientCertificate}' holds no ${keyBag ? 'certificate' : 'private key'}: export the certificate with its private key.`
    );
  }
  // forge parses RSA keys and certificates; others (EC) come as raw ASN.1, which is all PEM needs.
  const keyInfo = keyBag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keyBag.key)) : keyBag.asn1;
  const key = forge.pki.privateKeyInfoToPem(keyInfo);
  maskSecret(reporter, key);
  const localKeyId = (bag: Forge.pkcs12.Bag) => (bag.attributes as { localKeyId?: string[] }).localKeyId?.[0];
  const keyId = localKeyId(keyBag);
  // The certificate of the key first, then the rest of the chain.
  const ordered = [...certBags].sort((a, b) => Number(localKeyId(b) === keyId) - Number(localKeyId(a) === keyId));
  const cert = ordered
    .map(bag => {
      const der = forge.asn1.toDer(bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1).getBytes();
      return `-----BEGIN CERTIFICATE-----\n${Buffer.from(der, 'binary')
        .toString('base64')
        .replace(/(.{64})/g, '$1\n')
        .replace(/\n$/, '')}\n-----END CERTIFICATE-----`;
    })
    .join('\n');
  return { cert, key };
}

function explainCertificateError(err: Error, isPfx: boolean, names: SettingNames): string {
  const reason = err.message;
  if (/mac verify failure|bad decrypt|bad password|wrong tag|decrypt/i.test(reason)) {
    return `'${names.ClientCertificatePassword}' does not open the ${isPfx ? 'PFX' : 'private key'} in '${names.ClientCertificate}': check the password.`;
  }
  if (/key values mismatch/i.test(reason)) {
    return `The private key does not belong to the certificate in '${names.ClientCertificate}': give the matching key.`;
  }
  if (isPfx && isUnsupportedPfx(err)) {
    return `The PFX in '${names.ClientCertificate}' uses old encryption (RC2 or 3DES) that Node no longer reads: ${REEXPORT_ADVICE}.`;
  }
  return `'${names.ClientCertificate}' could not be used as a client certificate (${reason}): give PEM text, a base64-encoded PFX, or a path to a .pem or .pfx file.`;
}
