// argon2id password hashing with OWASP's recommended minimum parameters (19 MiB, t=2, p=1).
import { hash, verify } from '@node-rs/argon2';
import type { PasswordHasher } from './deps.ts';

// @node-rs/argon2 exports Algorithm as an ambient const enum, which isolated modules cannot read;
// 2 is its Argon2id member.
const ARGON2ID = 2;

export const argon2idHasher: PasswordHasher = {
  hash: (password) => hash(password, { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 }),
  verify: async (h, password) => {
    try {
      return await verify(h, password);
    } catch {
      return false;
    }
  },
};

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 1024;
