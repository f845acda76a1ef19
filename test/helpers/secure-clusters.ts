// What the secure-cluster tests share: the test certificates, and the small package they upload.
import { makeTestCertificates, type TestCertificates } from './certificates.js';
import { makePackage } from './packages.js';

export interface SecureFixture {
  certs: TestCertificates;
  /** A package folder named SecureApp: a manifest, a 100 KiB file in Svc/Code and a small one. */
  pkg: string;
}

export async function makeSecureFixture(): Promise<SecureFixture> {
  const certs = await makeTestCertificates();
  const pkg = await makePackage(
    {
      'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>',
      'Svc/Code/a.dll': 100 * 1024,
      'Svc/b.txt': 'b'
    },
    'SecureApp'
  );
  return { certs, pkg };
}
