// Sign-in, first-admin setup and account activation pages.
import type { FieldError } from '../../../domain/errors.ts';
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';
import { Csrf, ErrorSummary, TextField, type Values } from '../components/form.tsx';
import { PASSWORD_MIN } from '../../../services/passwords.ts';
import { PasskeySignIn } from './passkey-forms.tsx';

export function LoginPage(props: {
  ctx: PageContext;
  next: string;
  values?: Values;
  message?: string | undefined;
  notice?: string | undefined;
}) {
  return (
    <Layout ctx={props.ctx} title="Team sign-in">
      <section class="card narrow">
        <h1>Team sign-in</h1>
        <p class="muted">For security teams. Reporters need no account: use your private report link.</p>
        {props.notice ? (
          <p class="alert success" role="status">
            {props.notice}
          </p>
        ) : null}
        <ErrorSummary message={props.message} />
        <form method="post" action="/login">
          <Csrf token={props.ctx.csrf} />
          <input type="hidden" name="next" value={props.next} />
          <TextField
            name="email"
            type="email"
            label="E-mail"
            required
            autocomplete="username"
            values={props.values}
          />
          <TextField
            name="password"
            type="password"
            label="Password"
            required
            autocomplete="current-password"
          />
          <div class="actions">
            <button type="submit">Sign in</button>
            <a href="/password-reset">Forgot your password?</a>
          </div>
        </form>
        <PasskeySignIn csrf={props.ctx.csrf} next={props.next} />
      </section>
    </Layout>
  );
}

export function SetupPage(props: {
  ctx: PageContext;
  token: string;
  values?: Values;
  errors?: FieldError[];
}) {
  return (
    <Layout ctx={props.ctx} title="Create the first admin">
      <section class="card narrow">
        <p class="eyebrow">First run</p>
        <h1>Create the first admin</h1>
        <p class="muted">This one-time link works once, and only until an admin exists.</p>
        <ErrorSummary errors={props.errors} />
        <form method="post" action={`/setup/${props.token}`}>
          <Csrf token={props.ctx.csrf} />
          <TextField
            name="name"
            label="Your name"
            required
            autocomplete="name"
            values={props.values}
            errors={props.errors}
          />
          <TextField
            name="email"
            type="email"
            label="E-mail"
            required
            autocomplete="username"
            values={props.values}
            errors={props.errors}
          />
          <TextField
            name="password"
            type="password"
            label="Password"
            hint={`At least ${PASSWORD_MIN} characters.`}
            required
            autocomplete="new-password"
            errors={props.errors}
          />
          <div class="actions">
            <button type="submit">Create admin and sign in</button>
          </div>
        </form>
      </section>
    </Layout>
  );
}

/** Choosing a password through a one-time link: account activation and password reset. */
export function NewPasswordForm(props: {
  action: string;
  csrf: string;
  label: string;
  button: string;
  errors?: FieldError[] | undefined;
}) {
  return (
    <form method="post" action={props.action}>
      <Csrf token={props.csrf} />
      <TextField
        name="password"
        type="password"
        label={props.label}
        hint={`At least ${PASSWORD_MIN} characters.`}
        required
        autocomplete="new-password"
        errors={props.errors}
      />
      <div class="actions">
        <button type="submit">{props.button}</button>
      </div>
    </form>
  );
}

export function ActivatePage(props: {
  ctx: PageContext;
  token: string;
  email: string;
  errors?: FieldError[];
}) {
  return (
    <Layout ctx={props.ctx} title="Activate your account">
      <section class="card narrow">
        <h1>Activate your account</h1>
        <p>
          Choose a password for <strong>{props.email}</strong>.
        </p>
        <ErrorSummary errors={props.errors} />
        <NewPasswordForm
          action={`/activate/${props.token}`}
          csrf={props.ctx.csrf}
          label="Password"
          button="Activate and sign in"
          errors={props.errors}
        />
      </section>
    </Layout>
  );
}
