// HTTPS from a PEM certificate and key: both are read and checked before the server starts,
// so a wrong path or a key of another certificate is one clear line, not a failed handshake later.
import { X509Certificate, createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { UsageError } from "../errors";

export interface TlsFiles {
  cert: string;
  key: string;
  certificate: X509Certificate;
}

function read(path: string, flag: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

export function loadTls(certPath: string, keyPath: string): TlsFiles {
  const cert = read(certPath, "--tls-cert");
  const key = read(keyPath, "--tls-key");
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    throw new UsageError(`--tls-cert ${certPath} is not a PEM certificate`);
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new UsageError(`--tls-key ${keyPath} is not a PEM private key (an encrypted key needs its passphrase removed)`);
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new UsageError(`--tls-key ${keyPath} is not the key of the certificate in ${certPath}`);
  }
  return { cert, key, certificate };
}

/** Days until the certificate expires (negative once it has). */
export function daysLeft(certificate: X509Certificate, now = Date.now()): number {
  return Math.floor((Date.parse(certificate.validTo) - now) / 86_400_000);
}
