// The hall of fame: everyone credited in a published advisory, with the advisories that name them.
// Only credits the advisories themselves carry appear, so a reporter who asked to stay anonymous
// (and was therefore never credited) is never listed.
import type { HallOfFameEntry } from '../../../services/advisories/advisory-public.service.ts';
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';
import { advisoryPath, creditLabel, Day } from './advisory-bits.tsx';

export function HallOfFamePage(props: { ctx: PageContext; entries: HallOfFameEntry[] }) {
  return (
    <Layout ctx={props.ctx} title="Hall of fame">
      <h1>Hall of fame</h1>
      <p class="lead">
        Thank you to the people who found, reported and helped fix vulnerabilities in the projects on this
        site. Everyone credited in a published <a href="/advisories">advisory</a> is listed here.
      </p>
      {props.entries.length === 0 ? (
        <p class="muted">No one has been credited in a published advisory yet.</p>
      ) : (
        <ol class="hall-of-fame">
          {props.entries.map((e) => (
            <li key={e.name} class="card">
              <h2>{e.name}</h2>
              <ul>
                {e.advisories.map((a) => (
                  <li key={a.id}>
                    <a href={advisoryPath(a.id)}>{a.id}</a>: {a.title}{' '}
                    <span class="muted">
                      ({a.project}, <Day at={a.publishedAt} />
                      {a.type ? `, ${creditLabel(a.type)}` : ''})
                    </span>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </Layout>
  );
}
