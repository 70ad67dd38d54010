// STUB (to be implemented by the OpenPGP work): each project's team key pair.
import type { ServiceDeps } from './deps.ts';

export class ProjectKeyService {
  constructor(private readonly deps: ServiceDeps) {}

  /** The project's armored public key, or null when it has none. */
  async publicKey(projectId: string): Promise<string | null> {
    void projectId;
    void this.deps;
    return null;
  }

  /** `text` with an OpenPGP cleartext signature by the project's key, or null when it has none. */
  async clearsign(projectId: string, text: string): Promise<string | null> {
    void projectId;
    void text;
    return null;
  }

  /** Decrypts an armored message (or binary) with the project's private key. */
  async decrypt(projectId: string, message: string | Uint8Array): Promise<{ text: string; bytes: Uint8Array }> {
    void projectId;
    void message;
    throw new Error('not implemented');
  }
}
