// Which versions a report is about, and whether the policy supports them: version-like tokens are read
// from the reporter's free text ("v1.2.3", "1.4", "0.9.1 and 1.0.0-rc.1", "up to 2.3") and matched
// against the policy's supportedVersions, first matching range deciding.
import semver from 'semver';
import type { Policy } from './policy.types.ts';

export type VersionStatus = 'supported' | 'unsupported' | 'unknown';

export interface CheckedVersion {
  /** The version as a semver string, e.g. `1.4.0`, `1.0.0-rc.1`. */
  version: string;
  /** As the reporter wrote it, e.g. `v1.4`. */
  text: string;
  /** null: no range of the policy matches. */
  supported: boolean | null;
  /** The range that decided, as the policy writes it. */
  range: string | null;
}

export interface VersionCheck {
  status: VersionStatus;
  versions: CheckedVersion[];
}

// Two or three numeric parts, an optional pre-release that starts with a usual word (so "1.2-and-later"
// is not taken for a pre-release) and optional build metadata. Not part of a longer dotted number
// (an IP address, `1.2.3.4`) and not glued to a word (`go1.21`).
const VERSION =
  /(?<![\w.])v?(\d+)\.(\d+)(?:\.(\d+))?(?:-((?:alpha|beta|rc|pre|preview|dev|snapshot|canary|nightly|next|milestone|m)(?![a-z])[0-9-]*(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?!\w|\.\d)/gi;

/** A free-text field holds a handful of versions; more are noise and only cost time. */
const MAX_VERSIONS = 50;

/** Version-like tokens of `text` as semver versions (missing parts are 0; pre-releases are kept). */
export function extractVersions(text: string): { version: string; text: string }[] {
  const out: { version: string; text: string }[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(VERSION)) {
    const [token, major, minor, patch, pre] = m;
    const core = `${Number(major)}.${Number(minor)}.${Number(patch ?? 0)}`;
    const version = (pre && semver.valid(`${core}-${pre}`)) || core;
    if (!semver.valid(version) || seen.has(version)) continue;
    seen.add(version);
    out.push({ version, text: token });
    if (out.length >= MAX_VERSIONS) break;
  }
  return out;
}

/** The first entry of the policy whose range contains `version`, if any. */
export function matchVersion(policy: Pick<Policy, 'supportedVersions'>, version: string) {
  return (
    policy.supportedVersions.find(
      // includePrerelease: `1.x` covers 1.3.0-beta.1 too; a reporter on a pre-release still runs that line.
      (e) =>
        semver.validRange(e.range) !== null &&
        semver.satisfies(version, e.range, { includePrerelease: true }),
    ) ?? null
  );
}

export function checkVersions(
  policy: Pick<Policy, 'supportedVersions'>,
  affectedVersionsText: string,
): VersionCheck {
  const versions: CheckedVersion[] = extractVersions(affectedVersionsText).map((v) => {
    const entry = matchVersion(policy, v.version);
    return { ...v, supported: entry ? entry.supported : null, range: entry ? entry.range : null };
  });
  let status: VersionStatus = 'unknown';
  if (policy.supportedVersions.length && versions.length) {
    if (versions.some((v) => v.supported === true)) status = 'supported';
    else if (versions.every((v) => v.supported === false)) status = 'unsupported';
  }
  return { status, versions };
}

export interface SupportedVersionRow {
  range: string;
  supported: boolean;
  /** ✅ or ❌, as SECURITY.md tables show it. */
  mark: string;
  note: string;
}

/** The policy's supported-versions table, in policy order (the order in which ranges are matched). */
export function supportedVersionsTable(policy: Pick<Policy, 'supportedVersions'>): SupportedVersionRow[] {
  return policy.supportedVersions.map((e) => ({
    range: e.range,
    supported: e.supported,
    mark: e.supported ? '✅' : '❌',
    note: e.note ?? '',
  }));
}
