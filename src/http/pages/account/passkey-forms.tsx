// Passkey forms. A passkey needs the browser's WebAuthn API, so these forms need JavaScript
// (/assets/passkeys.js fetches the options, asks the authenticator, puts its answer in the hidden
// `response` field and submits the form as usual); their buttons stay disabled without it, and the
// pages say so. Everything else about the account, TOTP included, works without JavaScript.

export function PasskeyScript() {
  return <script src="/assets/passkeys.js" defer />;
}

const NEEDS_JS =
  'Passkeys need JavaScript in this browser. Without it, use your password and an authenticator-app code.';

function Status() {
  return <p class="hint" data-passkey-status aria-live="polite" />;
}

/** "Sign in with a passkey": completes a pending login, or signs in without a password. */
export function PasskeySignIn(props: { csrf: string; next: string; secondStep?: boolean }) {
  return (
    <form
      method="post"
      action="/login/passkey"
      data-passkey="login"
      data-options="/login/passkey/options"
      class="passkey"
    >
      <input type="hidden" name="_csrf" value={props.csrf} />
      <input type="hidden" name="next" value={props.next} />
      <input type="hidden" name="response" value="" />
      {props.secondStep ? null : <h2>Or use a passkey</h2>}
      <div class="actions">
        <button type="submit" class="secondary" disabled data-passkey-button>
          {props.secondStep ? 'Use my passkey' : 'Use a passkey'}
        </button>
      </div>
      <p class="hint">{NEEDS_JS}</p>
      <Status />
      <PasskeyScript />
    </form>
  );
}

/** Registers a new passkey for the signed-in account. */
export function PasskeyRegister(props: { csrf: string; error?: string | undefined }) {
  return (
    <form
      method="post"
      action="/account/security/passkeys"
      data-passkey="register"
      data-options="/account/security/passkeys/options"
      class="passkey"
    >
      <input type="hidden" name="_csrf" value={props.csrf} />
      <input type="hidden" name="response" value="" />
      <label for="passkey-name">Name of the new passkey</label>
      <input id="passkey-name" name="name" required maxLength={100} placeholder="e.g. Laptop, YubiKey" />
      {props.error ? <p class="field-error">{props.error}</p> : null}
      <div class="actions">
        <button type="submit" disabled data-passkey-button>
          Add a passkey
        </button>
      </div>
      <p class="hint">{NEEDS_JS}</p>
      <Status />
      <PasskeyScript />
    </form>
  );
}
