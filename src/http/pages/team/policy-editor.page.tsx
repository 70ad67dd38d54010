// The maintainer's policy editor: the YAML in a plain textarea (works without JavaScript), a preview
// that lists every problem with its line and column and shows the change as a diff, then save.
import type { PageContext } from '../render.ts';
import type { DiffLine, PolicyPreview } from '../../../services/policy.service.ts';
import { Layout } from '../components/layout.tsx';
import { Csrf, ErrorSummary } from '../components/form.tsx';
import { When } from '../components/case-bits.tsx';

export interface PolicyVersionItem {
  version: number;
  note: string;
  savedAt: string | null;
  savedBy: string | null;
  current: boolean;
}

function Diff(props: { lines: DiffLine[] }) {
  const changed = props.lines.some((l) => l.kind !== 'same');
  if (!changed) return <p class="muted">No change against the version in force.</p>;
  return (
    <pre class="diff" aria-label="Changes against the version in force">
      {props.lines.map((l) => (
        <span class={`diff-${l.kind}`}>
          {l.kind === 'added' ? '+ ' : l.kind === 'removed' ? '- ' : '  '}
          {l.text}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}

export function PolicyEditorPage(props: {
  ctx: PageContext;
  project: { slug: string; name: string };
  source: string;
  baseVersion: number;
  versions: PolicyVersionItem[];
  preview?: PolicyPreview;
  note?: string;
  saved?: number;
  message?: string;
  status?: number;
}) {
  const { project, preview } = props;
  const base = `/p/${project.slug}/settings/policy`;
  return (
    <Layout ctx={props.ctx} title={`${project.name}: policy`} wide>
      <p class="eyebrow">
        <a href={`/p/${project.slug}/settings`}>{project.name} settings</a>
      </p>
      <h1>Security policy</h1>
      <p>
        One YAML file holds the contacts, scope, supported versions, response times and disclosure rules. The{' '}
        <a href={`/p/${project.slug}`}>policy page</a>,{' '}
        <a href={`/p/${project.slug}/SECURITY.md`}>SECURITY.md</a> and{' '}
        <a href={`/p/${project.slug}/security.txt`}>security.txt</a> are rendered from it, and new cases
        follow its deadlines. Cases keep the version they were opened under.
      </p>
      {props.saved !== undefined ? (
        <div class="alert success" role="status">
          Saved as version {props.saved}. New reports now open under it.
        </div>
      ) : null}
      {props.message ? <ErrorSummary message={props.message} /> : null}
      {preview ? (
        <section class="card" id="preview">
          <h2>{preview.valid ? 'The policy is valid' : 'The policy has problems'}</h2>
          {preview.problems.length ? (
            <ul class="problems">
              {preview.problems.map((p) => (
                <li>
                  <a href="#source">
                    line {p.line}, column {p.column}
                  </a>
                  : {p.message} <code>{p.path}</code>
                </li>
              ))}
            </ul>
          ) : null}
          {preview.warnings.length ? (
            <ul class="warnings">
              {preview.warnings.map((p) => (
                <li>
                  line {p.line}, column {p.column}: {p.message}
                </li>
              ))}
            </ul>
          ) : null}
          <h3>Changes</h3>
          <Diff lines={preview.diff} />
        </section>
      ) : null}
      <form method="post" action={base} class="card">
        <Csrf token={props.ctx.csrf} />
        <input type="hidden" name="baseVersion" value={String(props.baseVersion)} />
        <label for="source">
          Policy file <span class="hint">YAML; the format is described in docs/policy.md</span>
        </label>
        <textarea id="source" name="source" rows={30} class="code" spellcheck={false}>
          {props.source}
        </textarea>
        <label for="note">
          What changed <span class="hint">Optional; kept in the history</span>
        </label>
        <input type="text" id="note" name="note" maxLength={500} value={props.note ?? ''} />
        <div class="actions">
          <button type="submit" name="intent" value="preview" class="secondary">
            Check and show changes
          </button>
          <button type="submit" name="intent" value="save">
            Save new version
          </button>
        </div>
      </form>
      <section class="card" id="versions">
        <h2>History</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Saved</th>
              <th scope="col">By</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {props.versions.map((v) => (
              <tr>
                <td>
                  <a href={`${base}?version=${v.version}`}>{v.version}</a>
                  {v.current ? ' (in force)' : ''}
                </td>
                <td>{v.savedAt ? <When at={v.savedAt} /> : '—'}</td>
                <td>{v.savedBy ?? '—'}</td>
                <td>{v.note}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </Layout>
  );
}
