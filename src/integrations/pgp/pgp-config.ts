// The openpgp settings every Parley PGP operation uses. Reporters and teams commonly run GnuPG 2.2,
// which reads neither RFC 9580 v6 keys nor SEIPDv2/AEAD messages, so Parley stays on what RFC 4880
// implementations understand: v4 keys, SEIPDv1 (with MDC) messages, iterated-and-salted S2K for
// private keys (gpg 2.2 has no Argon2). Passed explicitly so a changed library default cannot drift.
import { config, enums, type Config, type PartialConfig } from 'openpgp';

export const PGP_CONFIG: PartialConfig = {
  v6Keys: false,
  aeadProtect: false,
  s2kType: enums.s2k.iterated,
  // Armored output without "Version:"/"Comment:" lines: nothing to fingerprint the server with.
  showVersion: false,
  showComment: false,
};

/** The same over the library's defaults, for the key methods that take a whole Config. */
export const PGP_FULL_CONFIG: Config = { ...config, ...PGP_CONFIG };

/** Longest armored key or message accepted from a user: large enough for real keys, small enough to parse fast. */
export const MAX_ARMORED_KEY = 200_000;
