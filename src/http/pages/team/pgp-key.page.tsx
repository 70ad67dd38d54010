// A project's OpenPGP key settings: the key in use (fingerprint, user id, dates, its public URL), and
// forms to generate a key pair, import the team's private key, or remove the key. Plain forms.
import type { FieldError } from '../../../domain/errors.ts';
import type { ProjectKeyInfo } from '../../../services/project-keys.service.ts';
import { formatFingerprint } from '../../../integrations/pgp/pgp-keys.ts';
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';
import { Csrf, ErrorSummary, TextArea, TextField } from '../components/form.tsx';
import { When } from '../components/case-bits.tsx';

const DONE: Record<string, string> = {
  generated: 'A new key pair was generated. Reports and mail can now be encrypted to it.',
  imported: 'The key was imported and is now the project’s key.',
  removed: 'The key was removed. Encrypted reports are no longer accepted and security.txt is unsigned.',
};

function Replace(props: { has: boolean; id: string }) {
  if (!props.has) return null;
  return (
    <label>
      <input type="checkbox" name="replace" value="1" id={props.id} /> Replace the current key (messages
      encrypted to it can no longer be read here)
    </label>
  );
}

export function PgpKeyPage(props: {
  ctx: PageContext;
  project: { slug: string; name: string };
  keyInfo: ProjectKeyInfo | null;
  done?: string;
  message?: string;
  errors?: FieldError[];
}) {
  const { project, keyInfo: key } = props;
  const base = `/p/${project.slug}/settings/pgp`;
  const done = props.done ? DONE[props.done] : undefined;
  const f = { values: {}, errors: props.errors };
  return (
    <Layout ctx={props.ctx} title={`${project.name}: OpenPGP key`}>
      <p class="eyebrow">
        <a href={`/p/${project.slug}/settings`}>{project.name} settings</a>
      </p>
      <h1>OpenPGP key</h1>
      <p>
        Reporters can encrypt reports to the project’s key, Parley decrypts them on arrival, and security.txt
        is signed with it. The private key stays on this server, protected by the instance secret.
      </p>
      {done ? (
        <div class="alert success" role="status">
          {done}
        </div>
      ) : null}
      <ErrorSummary errors={props.errors} message={props.message} />
      <section class="card" id="current-key">
        <h2>Key in use</h2>
        {key ? (
          <>
            <dl class="facts">
              <dt>Fingerprint</dt>
              <dd>
                <code class="fingerprint">{formatFingerprint(key.fingerprint)}</code>
              </dd>
              <dt>User ID</dt>
              <dd>{key.userId}</dd>
              <dt>Added</dt>
              <dd>
                <When at={key.createdAt} /> ({key.source})
              </dd>
              <dt>Expires</dt>
              <dd>{key.expiresAt ? <When at={key.expiresAt} /> : 'never'}</dd>
              <dt>Public key</dt>
              <dd>
                <a href={`/p/${project.slug}/pgp-key.asc`}>pgp-key.asc</a> (named in{' '}
                <a href={`/p/${project.slug}/security.txt`}>security.txt</a>)
              </dd>
            </dl>
            <form method="post" action={`${base}/remove`}>
              <Csrf token={props.ctx.csrf} />
              <label>
                <input type="checkbox" name="confirm" value="1" /> Yes, remove the key
              </label>
              <div class="actions">
                <button type="submit" class="danger">
                  Remove the key
                </button>
              </div>
            </form>
          </>
        ) : (
          <p class="muted">
            No key yet. Reports cannot be sent encrypted and security.txt is not signed. Generate a key pair
            or import the team’s own.
          </p>
        )}
      </section>
      <section class="card" id="generate">
        <h2>Generate a key pair</h2>
        <p>
          An ed25519/cv25519 OpenPGP v4 key that GnuPG 2.2 and later read, with the user ID “{project.name}{' '}
          security team”.
        </p>
        <form method="post" action={`${base}/generate`}>
          <Csrf token={props.ctx.csrf} />
          <Replace has={!!key} id="replace-generate" />
          <div class="actions">
            <button type="submit">Generate a key pair</button>
          </div>
        </form>
      </section>
      <section class="card" id="import">
        <h2>Import a private key</h2>
        <p>
          Export the team’s key with <code>gpg --armor --export-secret-keys FINGERPRINT</code> and paste it
          here. It needs an encryption and a signing (sub)key. For safety a pasted key is never shown again;
          after an error, paste it again.
        </p>
        <form method="post" action={`${base}/import`}>
          <Csrf token={props.ctx.csrf} />
          <TextArea name="privateKey" label="Private key (armored)" required rows={10} {...f} />
          <TextField
            name="passphrase"
            type="password"
            label="Its current passphrase"
            hint="Leave empty if the exported key has none. It is used once and not stored."
            {...f}
          />
          <Replace has={!!key} id="replace-import" />
          <div class="actions">
            <button type="submit">Import the key</button>
          </div>
        </form>
      </section>
    </Layout>
  );
}
