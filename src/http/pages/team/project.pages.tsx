// Creating a project (instance admins) and a project's settings: its team and their roles.
import type { FieldError } from '../../../domain/errors.ts';
import type { PublicProject } from '../../../services/project.service.ts';
import type { ProjectSecurity } from '../../../services/accounts/project-security.service.ts';
import { TwoFactorRule } from './two-factor-rule.tsx';
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';
import { Csrf, ErrorSummary, TextArea, TextField, type Values } from '../components/form.tsx';

export function NewProjectPage(props: { ctx: PageContext; values?: Values; errors?: FieldError[] }) {
  const f = { values: props.values ?? {}, errors: props.errors };
  return (
    <Layout ctx={props.ctx} title="New project">
      <section class="card narrow">
        <h1>New project</h1>
        <ErrorSummary errors={props.errors} />
        <form method="post" action="/projects/new">
          <Csrf token={props.ctx.csrf} />
          <TextField name="name" label="Name" required {...f} />
          <TextField
            name="slug"
            label="URL name"
            hint="Lower-case letters, digits and dashes, e.g. flux2 → /p/flux2"
            required
            {...f}
          />
          <TextField
            name="key"
            label="Case key prefix"
            hint="Capital letters or digits, e.g. FLUX → FLUX-1. Empty: derived from the URL name."
            {...f}
          />
          <TextArea name="description" label="Description" rows={3} {...f} />
          <div class="actions">
            <button type="submit">Create project</button>
          </div>
        </form>
      </section>
    </Layout>
  );
}

interface Member {
  userId: string;
  email: string;
  name: string;
  role: string;
  activated: boolean;
}

export function SettingsPage(props: {
  ctx: PageContext;
  project: PublicProject;
  members: Member[];
  security: ProjectSecurity;
  values?: Values;
  errors?: FieldError[];
  message?: string;
  activationLink?: string | null;
}) {
  const { project } = props;
  const f = { values: props.values ?? {}, errors: props.errors };
  return (
    <Layout ctx={props.ctx} title={`${project.name} settings`}>
      <p class="eyebrow">
        <a href={`/p/${project.slug}`}>{project.name}</a> · settings
      </p>
      <nav class="subnav" aria-label="Project settings">
        <a href={`/p/${project.slug}/settings/policy`}>Security policy</a> ·{' '}
        <a href={`/p/${project.slug}/settings/pgp`}>OpenPGP key</a> ·{' '}
        <a href={`/p/${project.slug}/settings/webhooks`}>Webhooks</a> ·{' '}
        <a href={`/p/${project.slug}/settings/announcements`}>Announcement list</a> ·{' '}
        <a href={`/p/${project.slug}/metrics`}>Metrics</a>
      </nav>
      <h1>Team</h1>
      {props.activationLink ? (
        <div class="alert success" role="status">
          <strong>Account created.</strong> Send this one-time activation link to them privately (it works for
          7 days):
          <code class="secret">{props.activationLink}</code>
        </div>
      ) : null}
      <ErrorSummary errors={props.errors} message={props.message} />
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">E-mail</th>
              <th scope="col">Role</th>
              <th scope="col">
                <span class="skip">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.members.map((m) => (
              <tr key={m.userId}>
                <td>
                  {m.name} {m.activated ? null : <span class="badge">not activated</span>}
                </td>
                <td>{m.email}</td>
                <td>{m.role}</td>
                <td>
                  <form
                    method="post"
                    action={`/p/${project.slug}/settings/members/${m.userId}/remove`}
                    class="inline"
                  >
                    <Csrf token={props.ctx.csrf} />
                    <button type="submit" class="link">
                      Remove
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <TwoFactorRule csrf={props.ctx.csrf} slug={project.slug} security={props.security} />
      <section class="card">
        <h2>Add a member or change a role</h2>
        <form method="post" action={`/p/${project.slug}/settings/members`}>
          <Csrf token={props.ctx.csrf} />
          <TextField name="email" type="email" label="E-mail" required {...f} />
          <TextField name="name" label="Name" hint="For a new account." {...f} />
          <label for="role">Role</label>
          <select id="role" name="role">
            <option value="responder" selected={props.values?.role !== 'maintainer'}>
              Responder — triage, talk, draft
            </option>
            <option value="maintainer" selected={props.values?.role === 'maintainer'}>
              Maintainer — also team, policy and publishing
            </option>
          </select>
          <div class="actions">
            <button type="submit">Save</button>
          </div>
        </form>
      </section>
    </Layout>
  );
}
