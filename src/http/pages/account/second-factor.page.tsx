// The second step of signing in: a code from the authenticator app or a recovery code (no
// JavaScript needed), or a passkey (JavaScript).
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';
import { Csrf, ErrorSummary } from '../components/form.tsx';
import { PasskeySignIn } from './passkey-forms.tsx';

export function SecondFactorPage(props: {
  ctx: PageContext;
  next: string;
  email: string;
  totp: boolean;
  passkeys: boolean;
  message?: string | undefined;
}) {
  return (
    <Layout ctx={props.ctx} title="Second step of sign-in">
      <section class="card narrow">
        <p class="eyebrow">Sign-in, step 2 of 2</p>
        <h1>Confirm it is you</h1>
        <p>
          The password for <strong>{props.email}</strong> was right. This account also needs its second
          factor.
        </p>
        <ErrorSummary message={props.message} />
        {props.passkeys ? <PasskeySignIn csrf={props.ctx.csrf} next={props.next} secondStep /> : null}
        <form method="post" action="/login/second-factor">
          <Csrf token={props.ctx.csrf} />
          <input type="hidden" name="next" value={props.next} />
          <label for="code">
            {props.totp ? 'Code from your authenticator app, or a recovery code' : 'Recovery code'}
          </label>
          <input
            id="code"
            name="code"
            required
            maxLength={40}
            autocomplete="one-time-code"
            inputMode={props.totp ? 'numeric' : undefined}
            spellcheck={false}
            aria-describedby="code-hint"
          />
          <span class="hint" id="code-hint">
            {props.totp
              ? 'Six digits, or one of the recovery codes you saved (each works once).'
              : 'One of the recovery codes you saved when you set up the passkey (each works once).'}
          </span>
          <div class="actions">
            <button type="submit">Continue</button>
          </div>
        </form>
        <form method="post" action="/login/second-factor/cancel" class="inline">
          <Csrf token={props.ctx.csrf} />
          <button type="submit" class="link">
            Cancel and start again
          </button>
        </form>
      </section>
    </Layout>
  );
}
