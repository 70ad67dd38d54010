// A project's public security page, rendered from its policy file: how to report, what is in scope,
// which versions are supported, the response times the team commits to, and how disclosure works.
import type { PublicProject } from '../../../services/project.service.ts';
import type { Policy } from '../../../domain/policy/policy.types.ts';
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';
import { Markdown } from '../components/markdown.tsx';
import { SubscribeForm } from './subscribe.pages.tsx';
import { ReportRequirementsNote } from './report-requirements.tsx';
import {
  DisclosureSection,
  ScopeSection,
  SlaSection,
  StatusNotes,
  SupportedVersionsSection,
} from './policy-sections.tsx';

export function ProjectPage(props: {
  ctx: PageContext;
  project: PublicProject;
  policy: Policy;
  policyVersion: number;
  canManage: boolean;
}) {
  const { project, policy } = props;
  const base = `/p/${project.slug}`;
  return (
    <Layout ctx={props.ctx} title={`${project.name} security`}>
      <p class="eyebrow">Security policy</p>
      <h1>{project.name}</h1>
      <StatusNotes policy={policy} />
      {project.description ? <p class="lead">{project.description}</p> : null}
      <Markdown text={policy.summary} />
      <section class="card" id="report">
        <h2>Reporting a vulnerability</h2>
        <p>
          Please report security problems privately through this form, not in public issues, chats or forums.
        </p>
        {policy.report.intro ? <p>{policy.report.intro}</p> : null}
        <ReportRequirementsNote policy={policy} />
        <a class="button" href={`${base}/report`}>
          Report a vulnerability
        </a>
        {policy.contacts.length ? (
          <>
            <p>You can also reach the security team at:</p>
            <ul>
              {policy.contacts.map((c) => (
                <li>
                  <a href={c.uri}>{c.uri.replace(/^mailto:/, '')}</a>
                  {c.label ? ` (${c.label})` : ''}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {policy.encryption.length ? (
          <p>
            To encrypt your report, use{' '}
            {policy.encryption.map((u, i) => (
              <>
                {i ? ', ' : ''}
                <a href={u}>{u}</a>
              </>
            ))}
            .
          </p>
        ) : null}
      </section>
      <ScopeSection policy={policy} />
      <SupportedVersionsSection policy={policy} />
      <SlaSection policy={policy} />
      {policy.process ? (
        <section class="card" id="process">
          <h2>How we handle a report</h2>
          <Markdown text={policy.process} />
        </section>
      ) : null}
      <DisclosureSection policy={policy} />
      <section class="card" id="announcements">
        <h2>Security announcements</h2>
        <p>
          Get an e-mail when {project.name} publishes a security advisory. Confirm by mail; unsubscribe in one
          click.
        </p>
        <SubscribeForm action={`${base}/subscribe`} csrf={props.ctx.csrf} />
      </section>
      <p class="muted">
        This page is generated from the project’s policy file (version {props.policyVersion}). Also as{' '}
        <a href={`${base}/SECURITY.md`}>SECURITY.md</a> and <a href={`${base}/security.txt`}>security.txt</a>.
      </p>
      {props.canManage ? (
        <p>
          <a href={`${base}/settings`}>Project settings</a> ·{' '}
          <a href={`${base}/settings/policy`}>Edit policy</a>
        </p>
      ) : null}
    </Layout>
  );
}
