// A software WebAuthn authenticator for service tests: makes real ES256 credentials, "none"
// attestation objects and signed assertions in the byte formats of the WebAuthn spec, so the server
// side (@simplewebauthn/server) verifies them exactly as it verifies a browser's.
import crypto from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const b64u = (b: Uint8Array | Buffer) => Buffer.from(b).toString('base64url');
const sha256 = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest();

export interface SoftCredential {
  id: string;
  userId: string;
  counter: number;
}

export class SoftAuthenticator {
  private keys = new Map<string, { key: crypto.KeyObject; cred: SoftCredential }>();
  constructor(
    private readonly rpID: string,
    private readonly origin: string,
  ) {}

  private authData(flags: number, counter: number, attested?: Buffer): Buffer {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    return Buffer.concat([sha256(this.rpID), Buffer.from([flags]), c, ...(attested ? [attested] : [])]);
  }

  /** Answers registration options as navigator.credentials.create() would. */
  create(options: { challenge: string; user: { id: string } }, opts: { origin?: string } = {}) {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))],
        [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))],
      ]),
    );
    const rawId = crypto.randomBytes(32);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(rawId.length);
    const attested = Buffer.concat([Buffer.alloc(16), len, rawId, Buffer.from(cose)]);
    const authData = this.authData(0x01 | 0x04 | 0x40, 0, attested);
    const attestationObject = isoCBOR.encode(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', new Uint8Array(authData)],
      ]) as never,
    );
    const clientDataJSON = Buffer.from(
      JSON.stringify({
        type: 'webauthn.create',
        challenge: options.challenge,
        origin: opts.origin ?? this.origin,
      }),
    );
    const cred = { id: b64u(rawId), userId: options.user.id, counter: 0 };
    this.keys.set(cred.id, { key: privateKey, cred });
    return {
      id: cred.id,
      rawId: cred.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64u(clientDataJSON),
        attestationObject: b64u(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
    };
  }

  /** Answers authentication options with credential `id` (user verified unless `uv: false`). */
  get(id: string, options: { challenge: string }, opts: { uv?: boolean; counter?: number } = {}) {
    const k = this.keys.get(id);
    if (!k) throw new Error('no such credential');
    k.cred.counter = opts.counter ?? k.cred.counter + 1;
    const authData = this.authData(0x01 | (opts.uv === false ? 0 : 0x04), k.cred.counter);
    const clientDataJSON = Buffer.from(
      JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin: this.origin }),
    );
    const signature = crypto.sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), k.key);
    return {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: b64u(clientDataJSON),
        authenticatorData: b64u(authData),
        signature: b64u(signature),
        userHandle: k.cred.userId,
      },
      clientExtensionResults: {},
    };
  }
}
