// /account/security: two-factor sign-in (authenticator app, passkeys, recovery codes) and the
// account's sessions. Everything but adding a passkey works without JavaScript.
import type { FieldError } from '../../../domain/errors.ts';
import type { SessionView } from '../../../services/accounts/sessions.service.ts';
import type { TotpEnrolment } from '../../../services/accounts/totp.service.ts';
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';
import { Csrf, ErrorSummary, TextField, errorFor } from '../components/form.tsx';
import { PasskeyRegister } from './passkey-forms.tsx';

export interface SecurityState {
  totp: { enabled: boolean; enabledAt: string | null; recoveryCodesLeft: number };
  passkeys: Array<{ handle: string; name: string; createdAt: string; lastUsedAt: string | null }>;
  sessions: SessionView[];
}

const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') + ' UTC' : 'never');

function Sessions(props: { csrf: string; sessions: SessionView[]; hasFactor: boolean }) {
  return (
    <section class="card">
      <h2>Where you are signed in</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Browser</th>
              <th scope="col">Address</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last seen</th>
              <th scope="col">
                <span class="skip">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.sessions.map((s) => (
              <tr key={s.handle}>
                <td>
                  {s.userAgent ? s.userAgent.slice(0, 120) : 'unknown'}{' '}
                  {s.current ? <span class="badge">this session</span> : null}
                  {props.hasFactor && s.secondFactor === 'none' ? (
                    <span class="badge warn">password only</span>
                  ) : null}
                </td>
                <td>{s.ip ?? 'unknown'}</td>
                <td>{when(s.createdAt)}</td>
                <td>{when(s.lastSeenAt)}</td>
                <td>
                  <form method="post" action={`/account/security/sessions/${s.handle}/revoke`} class="inline">
                    <Csrf token={props.csrf} />
                    <button type="submit" class="link">
                      {s.current ? 'Sign out' : 'Revoke'}
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.sessions.length > 1 ? (
        <form method="post" action="/account/security/sessions/revoke-others">
          <Csrf token={props.csrf} />
          <button type="submit" class="secondary">
            Sign out everywhere else
          </button>
        </form>
      ) : null}
    </section>
  );
}

export function SecurityPage(props: {
  ctx: PageContext;
  state: SecurityState;
  notice?: string | undefined;
  errors?: FieldError[] | undefined;
  message?: string | undefined;
}) {
  const { totp, passkeys } = props.state;
  const csrf = props.ctx.csrf;
  const hasFactor = totp.enabled || passkeys.length > 0;
  return (
    <Layout ctx={props.ctx} title="Account security">
      <h1>Account security</h1>
      <p class="muted">
        Also: <a href="/account/tokens">API tokens</a> · <a href="/account/mail">Mail preferences</a>
      </p>
      {props.notice ? (
        <p class="alert success" role="status">
          {props.notice}
        </p>
      ) : null}
      <ErrorSummary errors={props.errors} message={props.message} />
      <p>
        Two-factor sign-in is <strong>{hasFactor ? 'on' : 'off'}</strong>.{' '}
        {hasFactor
          ? 'Signing in asks for your password and then a code or a passkey.'
          : 'Some projects require it: set up an authenticator app (works without JavaScript) or a passkey.'}
      </p>

      <section class="card">
        <h2>Authenticator app</h2>
        {totp.enabled ? (
          <>
            <p>On since {when(totp.enabledAt)}.</p>
            <form method="post" action="/account/security/totp/disable">
              <Csrf token={csrf} />
              <p class="hint">To turn it off, give a current code or your password.</p>
              <TextField
                name="code"
                label="Current code"
                autocomplete="one-time-code"
                errors={props.errors}
              />
              <TextField
                name="password"
                type="password"
                label="Or your password"
                autocomplete="current-password"
                errors={props.errors}
              />
              <button type="submit" class="secondary">
                Turn off the authenticator app
              </button>
            </form>
          </>
        ) : (
          <form method="post" action="/account/security/totp">
            <Csrf token={csrf} />
            <p>Use an app such as Aegis, FreeOTP, 1Password or Google Authenticator. No JavaScript needed.</p>
            <button type="submit">Set up an authenticator app</button>
          </form>
        )}
      </section>

      <section class="card">
        <h2>Passkeys</h2>
        {passkeys.length ? (
          <ul>
            {passkeys.map((p) => (
              <li key={p.handle}>
                <strong>{p.name}</strong> — added {when(p.createdAt)}, last used {when(p.lastUsedAt)}
                <form method="post" action={`/account/security/passkeys/${p.handle}/rename`} class="inline">
                  <Csrf token={csrf} />
                  <label for={`rename-${p.handle}`} class="skip">
                    New name for {p.name}
                  </label>
                  <input id={`rename-${p.handle}`} name="name" maxLength={100} required value={p.name} />
                  <button type="submit" class="link">
                    Rename
                  </button>
                </form>
                <form method="post" action={`/account/security/passkeys/${p.handle}/remove`} class="inline">
                  <Csrf token={csrf} />
                  <label for={`remove-${p.handle}`} class="skip">
                    Your password, to remove {p.name}
                  </label>
                  <input
                    id={`remove-${p.handle}`}
                    name="password"
                    type="password"
                    required
                    placeholder="Your password"
                    autocomplete="current-password"
                  />
                  <button type="submit" class="link">
                    Remove
                  </button>
                </form>
              </li>
            ))}
          </ul>
        ) : (
          <p>No passkeys yet.</p>
        )}
        <PasskeyRegister csrf={csrf} error={errorFor(props.errors, 'response')} />
      </section>

      {hasFactor ? (
        <section class="card">
          <h2>Recovery codes</h2>
          <p>
            {totp.recoveryCodesLeft} unused. Each one signs you in once if you lose your phone or passkey.
          </p>
          <form method="post" action="/account/security/recovery-codes">
            <Csrf token={csrf} />
            <TextField
              name="password"
              type="password"
              label="Your password, to make new codes (the old ones stop working)"
              autocomplete="current-password"
              required
              errors={props.errors}
            />
            <button type="submit" class="secondary">
              Make new recovery codes
            </button>
          </form>
        </section>
      ) : null}

      <Sessions csrf={csrf} sessions={props.state.sessions} hasFactor={hasFactor} />
    </Layout>
  );
}

export function TotpEnrolPage(props: { ctx: PageContext; enrolment: TotpEnrolment; errors?: FieldError[] }) {
  const { enrolment } = props;
  return (
    <Layout ctx={props.ctx} title="Set up an authenticator app">
      <section class="card narrow">
        <h1>Set up an authenticator app</h1>
        <p>In your authenticator app, add an account and scan this code:</p>
        <img
          src={enrolment.qrDataUri}
          alt="QR code of the authenticator set-up key"
          width={220}
          height={220}
        />
        <p>
          Or type this key in (time-based, 6 digits, 30 seconds):{' '}
          <code class="secret">{enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
        </p>
        <ErrorSummary errors={props.errors} />
        <form method="post" action="/account/security/totp/confirm">
          <Csrf token={props.ctx.csrf} />
          <TextField
            name="code"
            label="Then enter the 6-digit code the app shows"
            autocomplete="one-time-code"
            required
            errors={props.errors}
          />
          <div class="actions">
            <button type="submit">Turn on</button>
            <a href="/account/security">Cancel</a>
          </div>
        </form>
      </section>
    </Layout>
  );
}

export function RecoveryCodesPage(props: { ctx: PageContext; codes: string[]; intro: string }) {
  return (
    <Layout ctx={props.ctx} title="Your recovery codes">
      <section class="card narrow">
        <h1>Save your recovery codes</h1>
        <p>{props.intro}</p>
        <p class="alert warn">
          They are shown only now. Keep them somewhere safe, apart from your phone and passkeys. Each code
          works once.
        </p>
        <pre class="secret" data-copy>
          {props.codes.join('\n')}
        </pre>
        <p>
          <a class="button" href="/account/security">
            I saved them
          </a>
        </p>
      </section>
      <script src="/assets/copy.js" defer />
    </Layout>
  );
}
