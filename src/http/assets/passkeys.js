// Progressive enhancement for passkey forms (form[data-passkey]): fetches WebAuthn options from the
// form's data-options URL, asks the browser's authenticator, puts the JSON answer into the form's
// hidden `response` field and submits the form normally. Without JavaScript (or WebAuthn) the
// buttons stay disabled and the page's text says to use a password and an authenticator code.
/* global document, window, navigator, fetch, atob, btoa */
(function () {
  const forms = document.querySelectorAll('form[data-passkey]');
  if (!forms.length) return;
  const supported = !!(window.PublicKeyCredential && navigator.credentials && window.isSecureContext);

  const toBuffer = (s) => {
    const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  };
  const toBase64url = (buf) => {
    const bytes = new Uint8Array(buf);
    let s = '';
    for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  };
  const withIds = (list) => (list || []).map((c) => Object.assign({}, c, { id: toBuffer(c.id) }));

  function answer(cred, mode) {
    const r = cred.response;
    const response =
      mode === 'register'
        ? {
            clientDataJSON: toBase64url(r.clientDataJSON),
            attestationObject: toBase64url(r.attestationObject),
            transports: typeof r.getTransports === 'function' ? r.getTransports() : [],
          }
        : {
            clientDataJSON: toBase64url(r.clientDataJSON),
            authenticatorData: toBase64url(r.authenticatorData),
            signature: toBase64url(r.signature),
            userHandle: r.userHandle ? toBase64url(r.userHandle) : undefined,
          };
    return {
      id: cred.id,
      rawId: toBase64url(cred.rawId),
      type: cred.type,
      response,
      clientExtensionResults: cred.getClientExtensionResults(),
      authenticatorAttachment: cred.authenticatorAttachment || undefined,
    };
  }

  for (const form of forms) {
    const mode = form.getAttribute('data-passkey');
    const button = form.querySelector('[data-passkey-button]');
    const status = form.querySelector('[data-passkey-status]');
    const say = (text) => {
      if (status) status.textContent = text;
    };
    if (!supported) {
      say('This browser cannot use passkeys here.');
      continue;
    }
    if (button) button.disabled = false;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (mode === 'register' && !form.reportValidity()) return;
      if (button) button.disabled = true;
      say('Waiting for your passkey…');
      try {
        const csrf = form.querySelector('input[name="_csrf"]').value;
        const res = await fetch(form.getAttribute('data-options'), {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ _csrf: csrf }),
        });
        const options = await res.json();
        if (!res.ok) throw new Error(options.error || 'The server refused.');
        options.challenge = toBuffer(options.challenge);
        let cred;
        if (mode === 'register') {
          options.user.id = toBuffer(options.user.id);
          options.excludeCredentials = withIds(options.excludeCredentials);
          cred = await navigator.credentials.create({ publicKey: options });
        } else {
          options.allowCredentials = withIds(options.allowCredentials);
          cred = await navigator.credentials.get({ publicKey: options });
        }
        form.querySelector('input[name="response"]').value = JSON.stringify(answer(cred, mode));
        form.submit();
      } catch (e) {
        say(
          e && e.name === 'NotAllowedError'
            ? 'The passkey was not used (cancelled or timed out). Try again.'
            : 'That did not work: ' + ((e && e.message) || e),
        );
        if (button) button.disabled = false;
      }
    });
  }
})();
