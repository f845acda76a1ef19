// The client certificate as Node's TLS wants it, from what users hold: PEM text (certificate and
// key together, or the key apart), a base64-encoded PFX/PKCS#12, or a path to a .pem/.pfx file.
// Checked here, before any request, by building a TLS context from it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { Input, InputError, maskSecret, type SecurityInputs } from '../../action/inputs.js';

export interface ClientCertificate {
  cert?: string;
  key?: string;
  pfx?: Buffer;
  passphrase?: string;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const PEM_KEY = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/;

/** The text or bytes an input stands for: itself, or the file it names. */
function resolveMaterial(input: string, value: string): string | Buffer {
  if (value.includes('-----BEGIN')) return value;
  const looksLikePath = !/\s/.test(value) && value.length < 4096 && (/[\\/.]/.test(value) || existsSync(value));
  if (looksLikePath && existsSync(value)) {
    if (!statSync(value).isFile()) throw new InputError(`'${input}' names '${value}', which is not a file.`);
    const bytes = readFileSync(value);
    const text = bytes.toString('utf8');
    if (text.includes('-----BEGIN')) {
      maskSecret(text);
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

export function loadClientCertificate(security: SecurityInputs): ClientCertificate | undefined {
  if (security.clientCertificate === undefined) return undefined;
  const material = resolveMaterial(Input.ClientCertificate, security.clientCertificate);
  const passphrase = security.clientCertificatePassword;
  let certificate: ClientCertificate;
  if (Buffer.isBuffer(material)) {
    if (security.clientKey !== undefined) {
      throw new InputError(`'${Input.ClientKey}' goes with a PEM certificate; a PFX in '${Input.ClientCertificate}' holds its key already.`);
    }
    certificate = { pfx: material, passphrase };
  } else {
    const certs = material.match(PEM_CERTIFICATE);
    if (!certs) throw new InputError(`'${Input.ClientCertificate}' holds no PEM certificate ('-----BEGIN CERTIFICATE-----').`);
    let key = PEM_KEY.exec(material)?.[0];
    if (security.clientKey !== undefined) {
      const keyMaterial = resolveMaterial(Input.ClientKey, security.clientKey);
      key = Buffer.isBuffer(keyMaterial) ? undefined : PEM_KEY.exec(keyMaterial)?.[0];
      if (!key) throw new InputError(`'${Input.ClientKey}' holds no PEM private key ('-----BEGIN PRIVATE KEY-----').`);
    }
    if (!key) {
      throw new InputError(`'${Input.ClientCertificate}' holds a certificate but no private key: add the key to it, or give it in '${Input.ClientKey}'.`);
    }
    if (/ENCRYPTED/.test(key) && passphrase === undefined) {
      throw new InputError(`The private key of '${Input.ClientCertificate}' is encrypted: give its password in '${Input.ClientCertificatePassword}'.`);
    }
    certificate = { cert: certs.join('\n'), key, passphrase };
  }
  try {
    createSecureContext(certificate);
  } catch (err) {
    throw new InputError(explainCertificateError(err as Error, certificate.pfx !== undefined));
  }
  return certificate;
}

function explainCertificateError(err: Error, isPfx: boolean): string {
  const reason = err.message;
  if (/mac verify failure|bad decrypt|bad password|wrong tag|decrypt/i.test(reason)) {
    return `'${Input.ClientCertificatePassword}' does not open the ${isPfx ? 'PFX' : 'private key'} in '${Input.ClientCertificate}': check the password.`;
  }
  if (/key values mismatch/i.test(reason)) {
    return `The private key does not belong to the certificate in '${Input.ClientCertificate}': give the matching key.`;
  }
  return `'${Input.ClientCertificate}' could not be used as a client certificate (${reason}): give PEM text, a base64-encoded PFX, or a path to a .pem or .pfx file.`;
}
