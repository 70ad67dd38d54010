// The report form. Plain HTML form posting to itself: it works with scripts off (Tor Browser's
// safest mode) and re-renders with the reporter's text kept when a field needs fixing.
import type { FieldError } from '../../../domain/errors.ts';
import { REPORT_LIMITS } from '../../../domain/report.ts';
import { reportRequirements, type RequirementField } from '../../../domain/report-requirements.ts';
import type { PublicProject } from '../../../services/project.service.ts';
import type { Policy } from '../../../domain/policy/policy.types.ts';
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';
import { Csrf, ErrorSummary, TextArea, TextField, errorFor, type Values } from '../components/form.tsx';
import { ScopeList, StatusNotes } from './policy-sections.tsx';
import { MarkdownInline } from '../components/markdown.tsx';
import { ReportRequirementsNote } from './report-requirements.tsx';
import { EncryptedReportField, ReporterKeyField, type FormPgpKey } from './report-encryption.tsx';

/** The out-of-scope item a reporter picked, shown with its reason before they confirm. */
function OutOfScopeNotice(props: { policy: Policy; category: string }) {
  const item = props.policy.scope.outOfScope.find((i) => i.id === props.category);
  if (!item) return null;
  return (
    <div class="alert warn" role="alert" id="out-of-scope-notice">
      <h2>This may be out of scope: {item.title}</h2>
      {item.reason ? <p>{item.reason}</p> : null}
      {item.redirect ? (
        <p>
          Instead: <MarkdownInline text={item.redirect} />
        </p>
      ) : null}
      <p>
        You can still submit it here: check the report below and press “Submit anyway”. The team will see the
        category you chose.
      </p>
    </div>
  );
}

function ScopeGuidance(props: { policy: Policy }) {
  const { inScope, outOfScope } = props.policy.scope;
  if (!inScope.length && !outOfScope.length) return null;
  return (
    <section class="card" id="scope-guidance">
      <h2>Before you report</h2>
      {inScope.length ? (
        <>
          <p>Report here:</p>
          <ScopeList items={inScope} />
        </>
      ) : null}
      {outOfScope.length ? (
        <>
          <p>Please do not report here:</p>
          <ScopeList items={outOfScope} />
        </>
      ) : null}
    </section>
  );
}

export function ReportFormPage(props: {
  ctx: PageContext;
  project: PublicProject;
  policy: Policy;
  values?: Values;
  errors?: FieldError[];
  message?: string;
  /** Set when the reporter picked an out-of-scope category and has to confirm. */
  confirmOutOfScope?: string;
  /** The project's OpenPGP key; the encrypted-report field shows only when it has one. */
  pgpKey?: FormPgpKey | null;
}) {
  const { project, values, errors, policy } = props;
  const f = { values: values ?? {}, errors };
  const credit = values?.creditPreference ?? 'anonymous';
  const category = values?.scopeCategory || 'in-scope';
  const categoryError = errorFor(errors, 'scopeCategory');
  // Required fields and minimum lengths come from the policy, the same rules intake enforces.
  const req = reportRequirements(policy.report);
  const need = (field: RequirementField, hint: string) => {
    const min = req.min[field];
    return min > 1 && req.policy.min[field] ? `${hint} At least ${min} characters.` : hint;
  };
  return (
    <Layout ctx={props.ctx} title={`Report a vulnerability in ${project.name}`}>
      <p class="eyebrow">{project.name}</p>
      <h1>Report a vulnerability</h1>
      <p class="lead">Only {project.name}’s security team will see this report.</p>
      <StatusNotes policy={policy} />
      {props.confirmOutOfScope ? (
        <OutOfScopeNotice policy={policy} category={props.confirmOutOfScope} />
      ) : (
        <ScopeGuidance policy={policy} />
      )}
      {policy.report.intro ? <p>{policy.report.intro}</p> : null}
      <ReportRequirementsNote policy={policy} />
      <ErrorSummary errors={errors} message={props.message} />
      <form method="post" action={`/p/${project.slug}/report`} class="card" novalidate>
        <Csrf token={props.ctx.csrf} />
        {props.confirmOutOfScope ? <input type="hidden" name="confirmOutOfScope" value="1" /> : null}
        {policy.scope.outOfScope.length ? (
          <fieldset aria-describedby={categoryError ? 'scopeCategory-error' : undefined}>
            <legend>What kind of issue is it?</legend>
            {categoryError ? (
              <p class="field-error" id="scopeCategory-error">
                {categoryError}
              </p>
            ) : null}
            <label>
              <input type="radio" name="scopeCategory" value="in-scope" checked={category === 'in-scope'} /> A
              security vulnerability in {project.name}
            </label>
            {policy.scope.outOfScope.map((i) => (
              <label key={i.id}>
                <input type="radio" name="scopeCategory" value={i.id} checked={category === i.id} /> {i.title}
              </label>
            ))}
          </fieldset>
        ) : null}
        <EncryptedReportField slug={project.slug} pgpKey={props.pgpKey} {...f} />
        <TextField
          name="title"
          label="Title"
          hint={need('title', 'One line: what is wrong and where.')}
          required
          maxLength={REPORT_LIMITS.title}
          {...f}
        />
        <TextArea
          name="description"
          label="Description"
          hint={need('description', 'What the vulnerability is and why it is one.')}
          required
          maxLength={REPORT_LIMITS.description}
          rows={8}
          {...f}
        />
        <TextArea
          name="stepsToReproduce"
          label="Steps to reproduce"
          hint={need(
            'stepsToReproduce',
            req.policy.required.has('stepsToReproduce')
              ? 'Exact steps, inputs and a proof of concept (commands, requests or code) that shows the issue.'
              : 'Exact steps, inputs and a proof of concept if you have one.',
          )}
          required={req.required.has('stepsToReproduce')}
          maxLength={REPORT_LIMITS.stepsToReproduce}
          rows={8}
          {...f}
        />
        <TextArea
          name="impact"
          label="Impact"
          hint={need('impact', 'What an attacker gains, and who is affected.')}
          required={req.required.has('impact')}
          maxLength={REPORT_LIMITS.impact}
          rows={4}
          {...f}
        />
        <TextField
          name="affectedVersions"
          label="Affected versions"
          hint={need('affectedVersions', 'For example: 2.3.0 and later, or a commit id.')}
          required
          maxLength={REPORT_LIMITS.affectedVersions}
          {...f}
        />
        <TextArea
          name="suggestedFix"
          label="Suggested fix"
          hint={
            req.required.has('suggestedFix') ? need('suggestedFix', 'How to fix or mitigate it.') : undefined
          }
          required={req.required.has('suggestedFix')}
          maxLength={REPORT_LIMITS.suggestedFix}
          rows={4}
          {...f}
        />
        <TextField
          name="reporterEmail"
          type="email"
          label="Your e-mail"
          hint={
            req.required.has('reporterEmail')
              ? 'To be told about progress; this project asks every reporter for an address.'
              : 'To be told about progress. Leave it empty to stay anonymous; then keep the private link you get.'
          }
          required={req.required.has('reporterEmail')}
          maxLength={REPORT_LIMITS.reporterEmail}
          autocomplete="email"
          {...f}
        />
        <ReporterKeyField {...f} />
        <fieldset>
          <legend>How should we credit you?</legend>
          {(['anonymous', 'name', 'handle'] as const).map((v) => (
            <label key={v}>
              <input type="radio" name="creditPreference" value={v} checked={credit === v} />{' '}
              {v === 'anonymous' ? 'Do not credit me' : v === 'name' ? 'By name' : 'By handle'}
            </label>
          ))}
          <TextField
            name="creditName"
            label="Name or handle to credit"
            maxLength={REPORT_LIMITS.creditName}
            {...f}
          />
        </fieldset>
        <div class="actions">
          <button type="submit">
            {props.confirmOutOfScope ? 'Submit anyway' : 'Submit report privately'}
          </button>
        </div>
      </form>
    </Layout>
  );
}
