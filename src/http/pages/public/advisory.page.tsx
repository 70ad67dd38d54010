// One public advisory, for the people who run the affected software: what is wrong, how bad it is,
// which versions are affected and fixed, what to do, who found it, and the same advisory in the
// machine-readable formats. Withdrawn advisories stay readable, with the reason at the top.
import type { PublicAdvisoryView } from '../../../services/presenters/advisory.presenter.ts';
import { affectedSummary } from '../../../domain/advisory/release-notes.ts';
import { scoreVector } from '../../../integrations/cvss/cvss.ts';
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';
import { Markdown } from '../components/markdown.tsx';
import { SeverityBadge, When } from '../components/case-bits.tsx';
import { advisoryPath, creditLabel, WithdrawnBadge } from './advisory-bits.tsx';
import type { PartyStatement } from '../../../services/advisories/advisory-public.service.ts';

const cveLink = (id: string) => `https://www.cve.org/CVERecord?id=${encodeURIComponent(id)}`;
const cweLink = (id: string) => `https://cwe.mitre.org/data/definitions/${id.replace(/^CWE-/i, '')}.html`;
const EXTERNAL = 'nofollow noopener noreferrer';
// Content validation allows only http(s) references, but imported records are old data: a link is
// made only for a web URL, anything else (javascript:, data:) is shown as text.
const isWebUrl = (url: string) => /^https?:\/\//i.test(url);

function CvssLine(props: { label: string; vector: string | null }) {
  if (!props.vector) return null;
  let score: string | null = null;
  try {
    const r = scoreVector(props.vector);
    score = `${r.baseScore.toFixed(1)} ${r.rating[0]!.toUpperCase()}${r.rating.slice(1)}`;
  } catch {
    // An imported vector the scorer refuses is still shown as the record gave it, just unscored.
  }
  return (
    <>
      <dt>{props.label}</dt>
      <dd>
        {score ? <strong>{score}</strong> : null} <code class="vector">{props.vector}</code>
      </dd>
    </>
  );
}

function Facts(props: { a: PublicAdvisoryView }) {
  const { a } = props;
  const c = a.content;
  return (
    <dl class="facts card">
      <dt>Advisory</dt>
      <dd>
        <code>{a.id}</code>
      </dd>
      <dt>Project</dt>
      <dd>
        <a href={`/p/${encodeURIComponent(a.project.slug)}`}>{a.project.name}</a>
      </dd>
      <dt>Severity</dt>
      <dd>{c.severity ? <SeverityBadge severity={c.severity} /> : 'Not rated'}</dd>
      <CvssLine label="CVSS 3.1" vector={c.cvss3Vector} />
      <CvssLine label="CVSS 4.0" vector={c.cvss4Vector} />
      {c.cveIds.length ? (
        <>
          <dt>CVE</dt>
          <dd>
            {c.cveIds.map((id, i) => (
              <>
                {i ? ', ' : ''}
                <a href={cveLink(id)} rel={EXTERNAL}>
                  {id}
                </a>
              </>
            ))}
          </dd>
        </>
      ) : null}
      {c.cwes.length ? (
        <>
          <dt>Weakness</dt>
          <dd>
            <ul class="plain">
              {c.cwes.map((w) => (
                <li key={w.id}>
                  <a href={cweLink(w.id)} rel={EXTERNAL}>
                    {w.id}
                  </a>
                  {w.name ? `: ${w.name}` : ''}
                </li>
              ))}
            </ul>
          </dd>
        </>
      ) : null}
      {c.aliases.length ? (
        <>
          <dt>Also known as</dt>
          <dd>{c.aliases.join(', ')}</dd>
        </>
      ) : null}
      <dt>Published</dt>
      <dd>
        <When at={a.publishedAt} />
      </dd>
      {a.modifiedAt !== a.publishedAt ? (
        <>
          <dt>Updated</dt>
          <dd>
            <When at={a.modifiedAt} />
          </dd>
        </>
      ) : null}
    </dl>
  );
}

function Affected(props: { a: PublicAdvisoryView }) {
  const pkgs = props.a.content.affected;
  if (!pkgs.length) return null;
  const summary = affectedSummary(props.a.content);
  return (
    <section class="card" id="affected">
      <h2>Affected packages</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Ecosystem</th>
              <th scope="col">Package</th>
              <th scope="col">Affected versions</th>
              <th scope="col">Fixed in</th>
            </tr>
          </thead>
          <tbody>
            {pkgs.map((p, i) => (
              <tr key={`${p.ecosystem}/${p.name}/${i}`}>
                <td>{p.ecosystem}</td>
                <td>
                  <code>{p.name}</code>
                </td>
                <td>{summary[i]?.affected}</td>
                <td>{summary[i]?.fixed.length ? summary[i]!.fixed.join(', ') : 'No fix yet'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

const PARTY_STATUS_TEXT: Record<string, string> = {
  unknown: 'Unknown',
  affected: 'Affected',
  'not-affected': 'Not affected',
  fixed: 'Fixed',
};

function VendorStatements(props: { statements: PartyStatement[] }) {
  if (!props.statements.length) return null;
  return (
    <section class="card" id="vendors">
      <h2>Vendor statements</h2>
      <table>
        <thead>
          <tr>
            <th>Vendor</th>
            <th>Status</th>
            <th>Statement</th>
          </tr>
        </thead>
        <tbody>
          {props.statements.map((p) => (
            <tr key={p.organisation}>
              <td>{p.organisation}</td>
              <td>{PARTY_STATUS_TEXT[p.status] ?? p.status}</td>
              <td>{p.statement ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function AdvisoryPage(props: {
  ctx: PageContext;
  advisory: PublicAdvisoryView;
  releaseNotes: string;
  /** What the vendors and distributors coordinated on its cases said. */
  statements?: PartyStatement[];
}) {
  const a = props.advisory;
  const c = a.content;
  const base = advisoryPath(a.id);
  return (
    <Layout ctx={props.ctx} title={`${a.id}: ${c.title}`} wide>
      <p class="eyebrow">
        <a href="/advisories">Security advisory</a> · {a.project.name}
      </p>
      <h1>
        {c.title} <WithdrawnBadge state={a.state} />
      </h1>
      {a.state === 'withdrawn' ? (
        <div class="alert warn" role="note" id="withdrawn">
          <p>
            <strong>This advisory was withdrawn</strong>
            {a.withdrawnAt ? (
              <>
                {' '}
                on <When at={a.withdrawnAt} />
              </>
            ) : null}
            .
          </p>
          {a.withdrawnReason ? <p>Reason: {a.withdrawnReason}</p> : null}
        </div>
      ) : null}
      <Facts a={a} />
      {c.summary || c.details ? (
        <section class="card" id="description">
          <h2>Description</h2>
          <Markdown text={c.summary} class="markdown lead" />
          <Markdown text={c.details} class="markdown" />
        </section>
      ) : null}
      <Affected a={a} />
      {c.upgrade.trim() ? (
        <section class="card" id="upgrade">
          <h2>How to upgrade</h2>
          <pre class="copyable" data-copy>
            <code>{c.upgrade.trim()}</code>
          </pre>
        </section>
      ) : null}
      {c.workarounds.trim() ? (
        <section class="card" id="workarounds">
          <h2>Workarounds</h2>
          <Markdown text={c.workarounds} class="markdown" />
        </section>
      ) : null}
      {c.references.length ? (
        <section class="card" id="references">
          <h2>References</h2>
          <ul>
            {c.references.map((r, i) => (
              <li key={`${i}`}>
                {isWebUrl(r.url) ? (
                  <a href={r.url} rel={EXTERNAL}>
                    {r.url}
                  </a>
                ) : (
                  r.url
                )}{' '}
                <span class="muted">({r.type.toLowerCase()})</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {c.credits.length ? (
        <section class="card" id="credits">
          <h2>Credits</h2>
          <ul>
            {c.credits.map((k, i) => (
              <li key={`${i}`}>
                {k.name}
                {k.type ? <span class="muted"> — {creditLabel(k.type)}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <VendorStatements statements={props.statements ?? []} />
      <section class="card" id="release-notes">
        <h2 id="release-notes-heading">Security release notes</h2>
        <p class="hint">Markdown to paste into a release’s notes.</p>
        <textarea aria-labelledby="release-notes-heading" class="code" readOnly rows={12} data-copy>
          {props.releaseNotes}
        </textarea>
      </section>
      <section class="card" id="formats">
        <h2>Machine-readable</h2>
        <ul>
          <li>
            <a href={`${base}/osv.json`}>OSV</a> (JSON)
          </li>
          <li>
            <a href={`${base}/csaf.json`}>CSAF 2.0</a> (JSON)
          </li>
          {c.cveIds.length ? (
            <li>
              <a href={`${base}/cve.json`}>CVE record</a> (JSON 5)
            </li>
          ) : null}
          <li>
            <a href={`${base}/release-notes.md`}>Release notes</a> (Markdown)
          </li>
        </ul>
      </section>
      <script src="/assets/copy.js" defer />
    </Layout>
  );
}
