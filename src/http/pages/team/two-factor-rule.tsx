// The project settings card for the two-factor rule: on, every member (and instance admins acting
// on the project) must sign in with an authenticator app or a passkey to see the project's cases.
import type { ProjectSecurity } from '../../../services/accounts/project-security.service.ts';
import { Csrf } from '../components/form.tsx';

export function TwoFactorRule(props: { csrf: string; slug: string; security: ProjectSecurity }) {
  const { security } = props;
  const without = security.membersWithoutSecondFactor;
  return (
    <section class="card">
      <h2>Two-factor sign-in</h2>
      <form method="post" action={`/p/${props.slug}/settings/security`}>
        <Csrf token={props.csrf} />
        <label class="check">
          <input type="checkbox" name="require2fa" checked={security.require2fa} /> Require a second factor
          (authenticator app or passkey) of everyone who works on this project
        </label>
        <p class="hint">
          Members without one are refused the project's cases and pages and told to set it up on their Account
          security page. Instance admins are bound too when they act on this project. To turn the rule on, you
          need a second factor yourself.
        </p>
        <button type="submit" class="secondary">
          Save
        </button>
      </form>
      {without.length ? (
        <p>
          {security.require2fa ? 'Locked out until they set one up: ' : 'Without a second factor: '}
          {without.map((m) => `${m.name} (${m.email})`).join(', ')}.
        </p>
      ) : (
        <p class="muted">Every member has a second factor.</p>
      )}
    </section>
  );
}
