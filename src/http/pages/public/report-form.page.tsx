// The report form. Plain HTML form posting to itself: it works with scripts off (Tor Browser's
// safest mode) and re-renders with the reporter's text kept when a field needs fixing.
import type { FieldError } from '../../../domain/errors.ts';
import { REPORT_LIMITS } from '../../../domain/report.ts';
import type { PublicProject } from '../../../services/project.service.ts';
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';
import { Csrf, ErrorSummary, TextArea, TextField, type Values } from '../components/form.tsx';

export function ReportFormPage(props: {
  ctx: PageContext;
  project: PublicProject;
  values?: Values;
  errors?: FieldError[];
  message?: string;
}) {
  const { project, values, errors } = props;
  const f = { values: values ?? {}, errors };
  const credit = values?.creditPreference ?? 'anonymous';
  return (
    <Layout ctx={props.ctx} title={`Report a vulnerability in ${project.name}`}>
      <p class="eyebrow">{project.name}</p>
      <h1>Report a vulnerability</h1>
      <p class="lead">Only {project.name}’s security team will see this report.</p>
      <ErrorSummary errors={errors} message={props.message} />
      <form method="post" action={`/p/${project.slug}/report`} class="card" novalidate>
        <Csrf token={props.ctx.csrf} />
        <TextField
          name="title"
          label="Title"
          hint="One line: what is wrong and where."
          required
          maxLength={REPORT_LIMITS.title}
          {...f}
        />
        <TextArea
          name="description"
          label="Description"
          hint="What the vulnerability is and why it is one."
          required
          maxLength={REPORT_LIMITS.description}
          rows={8}
          {...f}
        />
        <TextArea
          name="stepsToReproduce"
          label="Steps to reproduce"
          hint="Exact steps, inputs and a proof of concept if you have one."
          required
          maxLength={REPORT_LIMITS.stepsToReproduce}
          rows={8}
          {...f}
        />
        <TextArea
          name="impact"
          label="Impact"
          hint="What an attacker gains, and who is affected."
          required
          maxLength={REPORT_LIMITS.impact}
          rows={4}
          {...f}
        />
        <TextField
          name="affectedVersions"
          label="Affected versions"
          hint="For example: 2.3.0 and later, or a commit id."
          required
          maxLength={REPORT_LIMITS.affectedVersions}
          {...f}
        />
        <TextArea
          name="suggestedFix"
          label="Suggested fix"
          maxLength={REPORT_LIMITS.suggestedFix}
          rows={4}
          {...f}
        />
        <TextField
          name="reporterEmail"
          type="email"
          label="Your e-mail"
          hint="To be told about progress. Leave it empty to stay anonymous; then keep the private link you get."
          maxLength={REPORT_LIMITS.reporterEmail}
          autocomplete="email"
          {...f}
        />
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
          <button type="submit">Submit report privately</button>
        </div>
      </form>
    </Layout>
  );
}
