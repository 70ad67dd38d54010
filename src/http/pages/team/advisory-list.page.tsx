// The team's advisories: every state, newest change first, and a form to start a new draft (blank,
// or from a case — the case page has the same button).
import type { PageContext } from '../render.ts';
import type { FieldError } from '../../../domain/errors.ts';
import type { TeamAdvisorySummary } from '../../../services/presenters/advisory.presenter.ts';
import { Layout } from '../components/layout.tsx';
import { Csrf, ErrorSummary, TextField, type Values } from '../components/form.tsx';
import { SeverityBadge, When } from '../components/case-bits.tsx';

export function AdvisoryListPage(props: {
  ctx: PageContext;
  items: TeamAdvisorySummary[];
  total: number;
  projects: { slug: string; name: string }[];
  filter: { project?: string; state?: string };
  values?: Values;
  error?: { message: string; errors?: FieldError[] | undefined };
}) {
  const { ctx, items } = props;
  return (
    <Layout ctx={ctx} title="Advisories" wide>
      <h1>Advisories</h1>
      {props.error ? <ErrorSummary message={props.error.message} errors={props.error.errors} /> : null}
      <form method="get" action="/team/advisories" class="filters">
        <label for="f-project">Project</label>
        <select id="f-project" name="project">
          <option value="">all</option>
          {props.projects.map((p) => (
            <option value={p.slug} selected={props.filter.project === p.slug}>
              {p.name}
            </option>
          ))}
        </select>
        <label for="f-state">State</label>
        <select id="f-state" name="state">
          <option value="">all</option>
          {['draft', 'scheduled', 'published', 'withdrawn'].map((s) => (
            <option value={s} selected={props.filter.state === s}>
              {s}
            </option>
          ))}
        </select>
        <button type="submit">Show</button>
      </form>
      {items.length === 0 ? (
        <p class="muted">No advisories here yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Advisory</th>
              <th scope="col">Project</th>
              <th scope="col">State</th>
              <th scope="col">Severity</th>
              <th scope="col">Changed</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <tr>
                <td>
                  <a href={`/team/advisories/${a.uid}`}>{a.title}</a>
                  <br />
                  <span class="muted">{a.id ?? 'not yet published'}</span>
                </td>
                <td>{a.project.name}</td>
                <td>
                  {a.state}
                  {a.scheduledFor ? (
                    <>
                      {' '}
                      for <When at={a.scheduledFor} />
                    </>
                  ) : null}
                </td>
                <td>
                  <SeverityBadge severity={a.severity} />
                </td>
                <td>
                  <When at={a.updatedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="muted">{props.total} in all.</p>
      <section class="card">
        <h2>New advisory</h2>
        <form method="post" action="/team/advisories">
          <Csrf token={ctx.csrf} />
          <div>
            <label for="project">Project</label>
            <select id="project" name="project" required>
              {props.projects.map((p) => (
                <option value={p.slug} selected={props.values?.project === p.slug}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <TextField
            name="case"
            label="Draft from case (key, e.g. FLUX-12)"
            values={props.values}
            errors={props.error?.errors}
            maxLength={100}
          />
          <TextField
            name="title"
            label="…or start blank with a title"
            values={props.values}
            errors={props.error?.errors}
            maxLength={200}
          />
          <button type="submit">Create draft</button>
        </form>
      </section>
    </Layout>
  );
}
