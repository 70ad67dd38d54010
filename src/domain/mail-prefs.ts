// A team member's choice of which notices also come by e-mail. In-app notices (the bell) are always
// kept; these only decide the mail. Everything is on until switched off, because a report nobody
// noticed is the failure Parley exists to prevent.

export const MAIL_PREF_KEYS = ['newReport', 'reporterReply', 'assigned', 'clocks', 'digest'] as const;
export type MailPrefKey = (typeof MAIL_PREF_KEYS)[number];
export type MailPrefs = Record<MailPrefKey, boolean>;

export const MAIL_PREF_LABELS: Record<MailPrefKey, string> = {
  newReport: 'A new report arrives in one of my projects',
  reporterReply: 'A reporter replies on a case (mine, or any unassigned one)',
  assigned: 'A case is assigned to me',
  clocks: 'A deadline is at risk or overdue',
  digest: 'The daily digest of cases that need attention',
};

export const DEFAULT_MAIL_PREFS: MailPrefs = {
  newReport: true,
  reporterReply: true,
  assigned: true,
  clocks: true,
  digest: true,
};

/** Reads the stored JSON; unknown keys and non-booleans are ignored, missing keys take the default. */
export function parseMailPrefs(json: string | null | undefined): MailPrefs {
  const prefs = { ...DEFAULT_MAIL_PREFS };
  try {
    const raw = JSON.parse(json ?? '{}') as Record<string, unknown>;
    for (const k of MAIL_PREF_KEYS) if (typeof raw[k] === 'boolean') prefs[k] = raw[k];
  } catch {
    // A damaged value falls back to the defaults rather than silencing every mail.
  }
  return prefs;
}

/** Which preference governs a notice kind; undefined when the kind is always mailed. */
export function prefForKind(kind: string): MailPrefKey | undefined {
  if (kind.startsWith('clock.')) return 'clocks';
  if (kind.startsWith('digest.')) return 'digest';
  // A case moved in from another project is a new report for its new team.
  if (kind === 'case.new-report' || kind === 'case.moved-in') return 'newReport';
  if (kind === 'case.reporter-reply') return 'reporterReply';
  if (kind === 'case.assigned') return 'assigned';
  return undefined;
}
