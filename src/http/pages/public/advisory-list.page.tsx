// The public list of advisories: published and withdrawn ones, newest first, filtered by project
// (an umbrella project includes its components), severity, ecosystem and year with a plain GET form.
import { SEVERITIES } from '../../../domain/case-state.ts';
import type { FieldError } from '../../../domain/errors.ts';
import type { PublicAdvisoryView } from '../../../services/presenters/advisory.presenter.ts';
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';
import { SeverityBadge } from '../components/case-bits.tsx';
import { advisoryPath, Day, severityLabel, WithdrawnBadge } from './advisory-bits.tsx';
import { SubscribeForm } from './subscribe.pages.tsx';

export interface AdvisoryListFilter {
  project: string;
  severity: string;
  ecosystem: string;
  year: string;
  page: number;
}

export interface AdvisoryListResult {
  items: PublicAdvisoryView[];
  total: number;
  page: number;
  pageSize: number;
  facets: { years: number[]; ecosystems: string[] };
  project?: { slug: string; name: string } | undefined;
}

function pageLink(f: AdvisoryListFilter, page: number): string {
  const q = new URLSearchParams();
  for (const k of ['project', 'severity', 'ecosystem', 'year'] as const) if (f[k]) q.set(k, f[k]);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return s ? `/advisories?${s}` : '/advisories';
}

/** Options for a select; a value given in the URL stays selectable even if no advisory has it. */
function withCurrent(values: string[], current: string): string[] {
  return current && !values.includes(current) ? [current, ...values] : values;
}

export function feedPath(projectSlug: string | undefined): string {
  return projectSlug ? `/p/${encodeURIComponent(projectSlug)}/advisories.atom` : '/advisories.atom';
}

export function AdvisoryListPage(props: {
  ctx: PageContext;
  filter: AdvisoryListFilter;
  projects: { slug: string; name: string }[];
  result: AdvisoryListResult | null;
  /** Why the filter could not be applied (bad values, unknown project). */
  errors?: FieldError[];
  message?: string;
}) {
  const { filter: f, result } = props;
  const scope = result?.project;
  const feed = feedPath(scope?.slug);
  const feedTitle = scope ? `${scope.name} security advisories` : 'Security advisories';
  const first = result ? (result.page - 1) * result.pageSize : 0;
  return (
    <Layout ctx={props.ctx} title={feedTitle} wide feed={{ href: feed, title: feedTitle }}>
      <h1>{feedTitle}</h1>
      <p class="lead">
        Vulnerabilities fixed and disclosed by the projects on this site. Also as an{' '}
        <a href={feed}>Atom feed</a>, as OSV and CSAF documents, and in the{' '}
        <a href="/hall-of-fame">hall of fame</a> of the people who found them.
      </p>
      {props.message || props.errors?.length ? (
        <div class="alert error" role="alert">
          <p>{props.message ?? 'These filters cannot be applied.'}</p>
          {props.errors?.length ? (
            <ul>
              {props.errors.map((e) => (
                <li key={e.field}>
                  {e.field}: {e.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <form method="get" action="/advisories" class="filters card" role="search">
        <label>
          Project
          <select name="project">
            <option value="">All projects</option>
            {props.projects.map((p) => (
              <option key={p.slug} value={p.slug} selected={f.project === p.slug}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Severity
          <select name="severity">
            <option value="">Any severity</option>
            {withCurrent([...SEVERITIES], f.severity).map((s) => (
              <option key={s} value={s} selected={f.severity === s}>
                {severityLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Ecosystem
          <select name="ecosystem">
            <option value="">Any ecosystem</option>
            {withCurrent(result?.facets.ecosystems ?? [], f.ecosystem).map((e) => (
              <option key={e} value={e} selected={f.ecosystem === e}>
                {e}
              </option>
            ))}
          </select>
        </label>
        <label>
          Year
          <select name="year">
            <option value="">Any year</option>
            {withCurrent((result?.facets.years ?? []).map(String), f.year).map((y) => (
              <option key={y} value={y} selected={f.year === y}>
                {y}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
      {result ? (
        <>
          <p class="muted" aria-live="polite">
            {result.total === 0
              ? 'No advisories match.'
              : `Showing ${first + 1}–${first + result.items.length} of ${result.total}.`}
          </p>
          {result.items.length ? <AdvisoryTable items={result.items} /> : null}
          <nav class="pager" aria-label="Pages">
            {result.page > 1 ? <a href={pageLink(f, result.page - 1)}>← Newer</a> : <span />}
            {first + result.items.length < result.total ? (
              <a href={pageLink(f, result.page + 1)}>Older →</a>
            ) : (
              <span />
            )}
          </nav>
        </>
      ) : null}
      <section class="card" id="subscribe">
        <h2>Get every advisory by e-mail</h2>
        <p>One mail per new advisory from any project here; a project’s own page offers its list alone.</p>
        <SubscribeForm action="/subscribe" csrf={props.ctx.csrf} />
      </section>
    </Layout>
  );
}

function AdvisoryTable(props: { items: PublicAdvisoryView[] }) {
  return (
    <div class="table-wrap">
      <table class="advisories">
        <thead>
          <tr>
            <th scope="col">Advisory</th>
            <th scope="col">Title</th>
            <th scope="col">Severity</th>
            <th scope="col">Published</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((a) => (
            <tr key={a.id}>
              <td class="key">
                <a href={advisoryPath(a.id)}>{a.id}</a>
              </td>
              <td>
                <a href={advisoryPath(a.id)}>{a.content.title}</a> <WithdrawnBadge state={a.state} />
                <div class="hint">
                  {a.project.name}
                  {a.content.cveIds.length ? ` · ${a.content.cveIds.join(', ')}` : ''}
                </div>
              </td>
              <td>
                <SeverityBadge severity={a.content.severity} />
              </td>
              <td>
                <Day at={a.publishedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
