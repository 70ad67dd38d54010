// A project's public security page: how to report and what happens next.
import type { PublicProject } from '../../../services/project.service.ts';
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';

export function ProjectPage(props: { ctx: PageContext; project: PublicProject; canManage: boolean }) {
  const { project } = props;
  return (
    <Layout ctx={props.ctx} title={`${project.name} security`}>
      <p class="eyebrow">Security policy</p>
      <h1>{project.name}</h1>
      {project.description ? <p class="lead">{project.description}</p> : null}
      <section class="card">
        <h2>Reporting a vulnerability</h2>
        <p>
          Please report security problems privately through this form, not in public issues, chats or forums.
        </p>
        <a class="button" href={`/p/${project.slug}/report`}>
          Report a vulnerability
        </a>
      </section>
      <section class="card">
        <h2>What happens next</h2>
        <ol>
          <li>
            You get a private link to your report. Keep it: it is the only way back in if you did not leave an
            e-mail address.
          </li>
          <li>The security team acknowledges the report, assesses it and sets a severity.</li>
          <li>You can follow every step and talk with the team on your report’s page.</li>
          <li>Once a fix is out, an advisory is published and you are credited as you chose.</li>
        </ol>
      </section>
      {props.canManage ? (
        <p>
          <a href={`/p/${project.slug}/settings`}>Project settings</a>
        </p>
      ) : null}
    </Layout>
  );
}
