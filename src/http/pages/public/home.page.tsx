// Start page: what Parley is for a reporter, and every project that takes reports.
import type { PublicProject } from '../../../services/project.service.ts';
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';

export function HomePage(props: { ctx: PageContext; projects: PublicProject[] }) {
  return (
    <Layout ctx={props.ctx} title="Report a vulnerability">
      <h1>Report a vulnerability privately</h1>
      <p class="lead">
        Found a security problem? Tell the project’s security team here. Only they will see your report. You
        need no account, and the form works without JavaScript.
      </p>
      <h2>Projects</h2>
      {props.projects.length === 0 ? (
        <p class="muted">No project takes reports here yet.</p>
      ) : (
        <div class="grid">
          {props.projects.map((p) => (
            <section class="card" key={p.slug}>
              <h3>
                <a href={`/p/${p.slug}`}>{p.name}</a>
              </h3>
              {p.description ? <p class="muted">{p.description}</p> : null}
              <a class="button" href={`/p/${p.slug}/report`}>
                Report a vulnerability
              </a>
            </section>
          ))}
        </div>
      )}
    </Layout>
  );
}
