// A project's webhook settings: the list with a form to add one, and one hook's page (edit, rotate
// the secret, send a test, delete, and its delivery log with redelivery). Plain forms, no script.
import type { FieldError } from '../../../domain/errors.ts';
import type { PublicProject } from '../../../services/project.service.ts';
import type { WebhookDelivery, WebhookView } from '../../../services/webhooks/webhook.service.ts';
import { WEBHOOK_EVENTS } from '../../../services/webhooks/webhook-emitter.ts';
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';
import { Csrf, ErrorSummary, TextField, errorFor } from '../components/form.tsx';
import { DeliveryLog } from './webhook-deliveries.tsx';

export interface WebhookForm {
  url: string;
  description: string;
  format: string;
  events: string[];
  active: boolean;
}

export { DELIVERIES_PER_PAGE } from './webhook-deliveries.tsx';

const EVENT_HINTS: Record<string, string> = {
  'report.created': 'a new report arrives',
  'case.updated': 'a case changes state or fields',
  'case.message': 'a message is added to a case',
  'advisory.draft': 'an advisory is drafted (embargoed)',
  'advisory.scheduled': 'an advisory is scheduled (embargoed)',
  'advisory.published': 'an advisory is published',
  'advisory.withdrawn': 'an advisory is withdrawn',
};

function Fields(props: { form: WebhookForm; errors?: FieldError[] | undefined }) {
  const { form, errors } = props;
  const f = { values: { url: form.url, description: form.description }, errors };
  const eventsError = errorFor(errors, 'events');
  return (
    <>
      <TextField
        name="url"
        label="Payload URL"
        hint="http:// or https://, without a user name or password. Redirects are not followed."
        required
        maxLength={2000}
        {...f}
      />
      <TextField name="description" label="Description" maxLength={200} {...f} />
      <fieldset id="events" aria-describedby={eventsError ? 'events-error' : undefined}>
        <legend>Events</legend>
        {eventsError ? (
          <p class="field-error" id="events-error">
            {eventsError}
          </p>
        ) : null}
        {WEBHOOK_EVENTS.map((e) => (
          <label key={e}>
            <input type="checkbox" name="events" value={e} checked={form.events.includes(e)} />{' '}
            <code>{e}</code> — {EVENT_HINTS[e]}
          </label>
        ))}
      </fieldset>
      <label for="format">Format</label>
      <select id="format" name="format">
        <option value="parley" selected={form.format !== 'slack'}>
          Parley JSON (signed envelope)
        </option>
        <option value="slack" selected={form.format === 'slack'}>
          Slack incoming webhook (text and blocks)
        </option>
      </select>
      <label>
        <input type="checkbox" name="active" value="1" checked={form.active} /> Active
      </label>
    </>
  );
}

function SecretBox(props: { secret: string | undefined }) {
  if (!props.secret) return null;
  return (
    <div class="alert success" role="status">
      <strong>The signing secret.</strong> Copy it into the receiver now: it is shown only this once.
      <code class="secret">{props.secret}</code>
    </div>
  );
}

function Crumbs(props: { project: PublicProject; hook?: WebhookView }) {
  const { project } = props;
  return (
    <p class="eyebrow">
      <a href={`/p/${project.slug}`}>{project.name}</a> · <a href={`/p/${project.slug}/settings`}>settings</a>
      {props.hook ? (
        <>
          {' '}
          · <a href={`/p/${project.slug}/settings/webhooks`}>webhooks</a>
        </>
      ) : null}
    </p>
  );
}

export function WebhookListPage(props: {
  ctx: PageContext;
  project: PublicProject;
  hooks: WebhookView[];
  form: WebhookForm;
  errors?: FieldError[] | undefined;
  message?: string | undefined;
  notice?: string | undefined;
}) {
  const { project } = props;
  return (
    <Layout ctx={props.ctx} title={`${project.name} webhooks`}>
      <Crumbs project={project} />
      <h1>Webhooks</h1>
      <p class="muted">
        Parley POSTs signed JSON to these URLs when something happens in the project. Receivers are your
        team's own systems: draft and scheduled advisories are sent to them while under embargo.
      </p>
      {props.notice ? (
        <div class="alert success" role="status">
          {props.notice}
        </div>
      ) : null}
      {props.hooks.length ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">Format</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {props.hooks.map((h) => (
                <tr key={h.id}>
                  <td>
                    <a href={`/p/${project.slug}/settings/webhooks/${h.id}`}>{h.url}</a>
                    {h.description ? <span class="hint">{h.description}</span> : null}
                  </td>
                  <td>{h.events.join(', ')}</td>
                  <td>{h.format}</td>
                  <td>{h.active ? 'active' : <span class="badge">inactive</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>No webhooks yet.</p>
      )}
      <section class="card">
        <h2>Add a webhook</h2>
        <ErrorSummary errors={props.errors} message={props.message} />
        <form method="post" action={`/p/${project.slug}/settings/webhooks`}>
          <Csrf token={props.ctx.csrf} />
          <Fields form={props.form} errors={props.errors} />
          <div class="actions">
            <button type="submit">Add webhook</button>
          </div>
        </form>
      </section>
    </Layout>
  );
}

export function WebhookPage(props: {
  ctx: PageContext;
  project: PublicProject;
  hook: WebhookView;
  form: WebhookForm;
  deliveries: WebhookDelivery[];
  total: number;
  page: number;
  errors?: FieldError[] | undefined;
  message?: string | undefined;
  notice?: string | undefined;
  secret?: string | undefined;
}) {
  const { project, hook } = props;
  const base = `/p/${project.slug}/settings/webhooks/${hook.id}`;
  return (
    <Layout ctx={props.ctx} title={`Webhook ${hook.url}`} wide>
      <Crumbs project={project} hook={hook} />
      <h1>Webhook</h1>
      <p>
        <code>{hook.url}</code> {hook.active ? null : <span class="badge">inactive</span>}
      </p>
      <SecretBox secret={props.secret} />
      {props.notice ? (
        <div class="alert success" role="status">
          {props.notice}
        </div>
      ) : null}
      <section class="card">
        <h2>Settings</h2>
        <ErrorSummary errors={props.errors} message={props.message} />
        <form method="post" action={base}>
          <Csrf token={props.ctx.csrf} />
          <Fields form={props.form} errors={props.errors} />
          <div class="actions">
            <button type="submit">Save</button>
          </div>
        </form>
      </section>
      <section class="card">
        <h2>Secret and test</h2>
        <p class="muted">
          Deliveries carry <code>X-Parley-Signature</code>, an HMAC of the body with the secret. Rotating
          replaces the secret at once, for queued deliveries too.
        </p>
        <div class="actions">
          <form method="post" action={`${base}/test`} class="inline">
            <Csrf token={props.ctx.csrf} />
            <button type="submit" class="secondary">
              Send test
            </button>
          </form>
          <form method="post" action={`${base}/rotate`} class="inline">
            <Csrf token={props.ctx.csrf} />
            <button type="submit" class="secondary">
              Rotate secret
            </button>
          </form>
          <form method="post" action={`${base}/delete`} class="inline">
            <Csrf token={props.ctx.csrf} />
            <button type="submit" class="danger">
              Delete webhook
            </button>
          </form>
        </div>
      </section>
      <h2>Deliveries</h2>
      <DeliveryLog
        ctx={props.ctx}
        base={base}
        items={props.deliveries}
        total={props.total}
        page={props.page}
      />
    </Layout>
  );
}
