// TypeBox schemas shared by the API routes and the OpenAPI document. They fix the shape of
// requests (types, sizes); the services apply the rules (required fields, states, roles).
import { Type, type TSchema } from 'typebox';
import { CASE_STATES, RESOLUTIONS, SEVERITIES } from '../../domain/case-state.ts';
import { CREDIT_PREFERENCES, REPORT_LIMITS } from '../../domain/report.ts';
import { MESSAGE_MAX } from '../../services/case.service.ts';

const str = (max: number, description?: string) =>
  Type.String({ maxLength: max, ...(description ? { description } : {}) });
const nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
// A plain JSON Schema enum: one clear error ("must be equal to one of the allowed values") instead of one per value.
const literals = <T extends string>(values: readonly T[]) => Type.Enum([...values]);

export const Problem = Type.Object(
  {
    type: Type.String({ description: 'Stable problem type, urn:parley:problem:<code>' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.String(),
          message: Type.String(),
          line: Type.Optional(
            Type.Integer({ description: 'In a submitted document (policy file), 1-based' }),
          ),
          column: Type.Optional(Type.Integer()),
        }),
      ),
    ),
  },
  { $id: 'Problem' },
);

// Which fields a report needs is the project's policy (policy `report`), checked by the service, so
// that one answer names every missing field; the schema fixes types and sizes only.
export const ReportCreate = Type.Object(
  {
    title: Type.Optional(str(REPORT_LIMITS.title, 'Required')),
    description: Type.Optional(str(REPORT_LIMITS.description, 'Required')),
    stepsToReproduce: Type.Optional(
      str(REPORT_LIMITS.stepsToReproduce, 'Required unless the policy says otherwise'),
    ),
    impact: Type.Optional(str(REPORT_LIMITS.impact, 'Required unless the policy says otherwise')),
    affectedVersions: Type.Optional(
      str(REPORT_LIMITS.affectedVersions, 'Required; checked against supported versions'),
    ),
    suggestedFix: Type.Optional(nullable(str(REPORT_LIMITS.suggestedFix))),
    reporterEmail: Type.Optional(
      nullable(str(REPORT_LIMITS.reporterEmail, 'Where the team can reach you; optional')),
    ),
    creditPreference: Type.Optional(literals(CREDIT_PREFERENCES)),
    creditName: Type.Optional(nullable(str(REPORT_LIMITS.creditName))),
    scopeCategory: Type.Optional(
      nullable(str(64, 'An out-of-scope category id from the project policy, or "in-scope" (the default)')),
    ),
    encryptedReport: Type.Optional(
      nullable(
        str(
          REPORT_LIMITS.encryptedReport,
          'The report as an armored PGP MESSAGE encrypted to the project key (/p/{slug}/pgp-key.asc); its ' +
            '"Title:", "Description:", … sections fill the fields, which may then be left out',
        ),
      ),
    ),
    reporterPgpKey: Type.Optional(
      nullable(
        str(REPORT_LIMITS.reporterPgpKey, 'Your armored OpenPGP public key; mail to you is encrypted'),
      ),
    ),
  },
  { additionalProperties: false },
);

export const ReportCreated = Type.Object({
  id: Type.String(),
  key: Type.String(),
  caseUrl: Type.String({ description: 'The reporter’s private case page; keep it secret' }),
  accessToken: Type.String({ description: 'Bearer token for this case only; shown once' }),
});

export const MessageCreate = Type.Object(
  {
    body: str(MESSAGE_MAX),
    internal: Type.Optional(
      Type.Boolean({ description: 'Team only: an internal note the reporter never sees' }),
    ),
    audience: Type.Optional(
      Type.Union([Type.Literal('reporter'), Type.Literal('internal'), Type.Literal('parties')], {
        description:
          'Who reads it: the reporter, the team only, or parties (every party, or the one named by partyId). Party contacts always write to their own thread.',
      }),
    ),
    partyId: Type.Optional(Type.String({ maxLength: 64, description: 'Team: write to this one party only' })),
  },
  { additionalProperties: false },
);

export const Transition = Type.Object(
  {
    to: literals(CASE_STATES),
    resolution: Type.Optional(literals(RESOLUTIONS)),
    severity: Type.Optional(literals(SEVERITIES)),
    duplicateOf: Type.Optional(str(40, 'Case key of the original, with resolution duplicate')),
  },
  { additionalProperties: false },
);

export const ReportPatch = Type.Object(
  {
    title: Type.Optional(str(REPORT_LIMITS.title)),
    severity: Type.Optional(nullable(literals(SEVERITIES))),
    severityReason: Type.Optional(
      nullable(str(2000, 'Required when the severity differs from the one the CVSS score maps to')),
    ),
    cvss3Vector: Type.Optional(nullable(str(200, 'CVSS:3.1/… vector; null removes it'))),
    cvss4Vector: Type.Optional(nullable(str(400, 'CVSS:4.0/… vector; null removes it'))),
    assigneeId: Type.Optional(nullable(str(36))),
    needsInfo: Type.Optional(Type.Boolean()),
    reporterEmail: Type.Optional(nullable(str(REPORT_LIMITS.reporterEmail))),
    creditPreference: Type.Optional(literals(CREDIT_PREFERENCES)),
    creditName: Type.Optional(nullable(str(REPORT_LIMITS.creditName))),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ChecklistTick = Type.Object(
  {
    checklist: str(64, 'Checklist id from the policy'),
    item: str(64, 'Item id within the checklist'),
    checked: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const PolicySource = Type.Object(
  {
    source: str(200_000, 'The policy file, YAML (docs/policy.md)'),
    note: Type.Optional(str(500, 'What changed and why')),
    baseVersion: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'The version you edited; a save over a newer one is refused (409)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ReportListQuery = Type.Object(
  {
    project: Type.Optional(str(64)),
    state: Type.Optional(str(200, 'Comma-separated states, or "open"')),
    order: Type.Optional(
      Type.Union([Type.Literal('deadline'), Type.Literal('newest'), Type.Literal('oldest')], {
        description: 'deadline (default): nearest running deadline first',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
  },
  { additionalProperties: false },
);

export const IdParam = Type.Object({ id: str(64, 'Opaque id or case key (e.g. CONURE-12)') });
export const SlugParam = Type.Object({ slug: str(64) });

/** Error answers every route documents. */
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});
export const problemResponses = {
  400: problem('Malformed request'),
  401: problem('Missing or invalid bearer token'),
  404: problem('Not found, or not yours to see'),
  409: problem('Conflicts with the current state'),
  413: problem('Body over 1 MiB'),
  415: problem('Send application/json'),
  422: problem('Invalid fields; see errors'),
  429: problem('Rate limited; see Retry-After'),
};
