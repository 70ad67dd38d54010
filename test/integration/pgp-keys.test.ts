// Project OpenPGP keys on both dialects: who may generate, import and remove them (service and
// settings page), that the stored key opens only with the instance secret, pgp-key.asc, and the
// signed security.txt naming the key.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../helpers/db.ts';
import { apiWorld, assertProblem, type ApiWorld } from '../helpers/api.ts';
import { createTestApp } from '../helpers/app.ts';
import { makeMember, makeProject, makeUser, PASSWORD } from '../helpers/factories.ts';
import { PageClient, csrfToken } from '../helpers/page-client.ts';
import { createServices } from '../../src/services/index.ts';
import { derivedKey } from '../../src/services/deps.ts';
import { ANONYMOUS } from '../../src/services/actor.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
} from '../../src/domain/errors.ts';
import { generateKeyPair } from '../../src/integrations/pgp/pgp-keys.ts';
import { decryptMessage, encryptText, verifyCleartext } from '../../src/integrations/pgp/pgp-crypto.ts';
import { findProjectKey } from '../../src/storage/repositories/project-key.repository.ts';
import { findProjectBySlug } from '../../src/storage/repositories/project.repository.ts';

for (const dialect of dialects()) {
  describe(`project OpenPGP keys (${dialect})`, () => {
    let world: ApiWorld;
    before(async () => {
      world = await apiWorld(dialect);
    });
    after(() => world.t.close());

    test('only maintainers (and admins) generate, import and remove; others are refused', async () => {
      const { w, t } = world;
      const keys = t.services.projectKeys;
      const slug = w.project.slug;
      await assert.rejects(keys.generate(w.responder.actor, slug), ForbiddenError);
      await assert.rejects(
        keys.generate(w.outsider.actor, slug),
        NotFoundError,
        'strangers do not learn it exists',
      );
      await assert.rejects(keys.generate(ANONYMOUS, slug), UnauthenticatedError);
      await assert.rejects(keys.remove(w.responder.actor, slug), ForbiddenError);
      await assert.rejects(keys.import(w.responder.actor, slug, 'x'), ForbiddenError);
      assert.equal(await keys.keyInfo(slug), null);

      const info = await keys.generate(w.maintainer.actor, slug);
      assert.match(info.fingerprint, /^[0-9A-F]{40}$/);
      assert.equal(info.userId, `${w.project.name} security team <${slug}@localhost>`);
      assert.equal(info.source, 'generated');
      assert.deepEqual(await keys.keyInfo(slug), info);
      await assert.rejects(keys.generate(w.maintainer.actor, slug), ConflictError, 'no silent replacement');

      // Import the team's own key (replacing the generated one); the passphrase is checked.
      const own = await generateKeyPair({ name: 'Team', email: 'team@example.org', passphrase: 'team-pass' });
      await assert.rejects(
        keys.import(w.maintainer.actor, slug, own.privateKey, 'wrong', { replace: true }),
        (e: unknown) => e instanceof ValidationError && e.errors[0]?.field === 'passphrase',
      );
      assert.equal(
        (await keys.keyInfo(slug))?.fingerprint,
        info.fingerprint,
        'a failed import changes nothing',
      );
      const imported = await keys.import(w.admin.actor, slug, own.privateKey, 'team-pass', { replace: true });
      assert.equal(imported.fingerprint, own.fingerprint);
      assert.equal(imported.source, 'imported');

      // Encrypted to the imported key, decrypted by the project.
      const project = (await findProjectBySlug(t.tdb.handle.db, slug))!;
      const msg = await encryptText('imported works', [own.publicKey]);
      const out = await keys.decrypt(project.id, msg);
      assert.equal(out.text, 'imported works');

      assert.equal(await keys.remove(w.maintainer.actor, slug), true);
      assert.equal(await keys.keyInfo(slug), null);
      assert.equal(await keys.publicKey(project.id), null);
      assert.equal(await keys.clearsign(project.id, 'x'), null);
      await assert.rejects(keys.decrypt(project.id, msg, 'encryptedReport'), (e: unknown) => {
        return e instanceof ValidationError && e.errors[0]?.field === 'encryptedReport';
      });
    });

    test('the stored private key is protected by the instance secret and survives a restart', async () => {
      const { w, t } = world;
      const slug = w.other.slug;
      const info = await t.services.projectKeys.generate(w.admin.actor, slug);
      const project = (await findProjectBySlug(t.tdb.handle.db, slug))!;
      const row = (await findProjectKey(t.tdb.handle.db, project.id))!;
      assert.equal(row.fingerprint, info.fingerprint);
      assert.match(row.private_key, /^-----BEGIN PGP PRIVATE KEY BLOCK-----/);
      const msg = await encryptText('after restart', [info.publicKey]);
      // The stored key opens with the passphrase derived from the secret, as a restarted instance derives it.
      const passphrase = derivedKey(t.services.deps.secret, `pgp-key:${project.id}`).toString('base64url');
      assert.equal((await decryptMessage(msg, row.private_key, passphrase)).text, 'after restart');
      await assert.rejects(decryptMessage(msg, row.private_key, 'not-the-passphrase'));
      // A second service instance over the same database and secret decrypts …
      const again = createServices({ ...t.services.deps });
      assert.equal((await again.projectKeys.decrypt(project.id, msg)).text, 'after restart');
      // … and one with another secret cannot open the key at all.
      const stranger = createServices({ ...t.services.deps, secret: Buffer.alloc(32, 7) });
      await assert.rejects(
        stranger.projectKeys.decrypt(project.id, msg),
        /does not open with this instance's secret/,
      );
    });

    test('pgp-key.asc, the key API and the signed security.txt', async () => {
      const { w, t, call, pats } = world;
      const slug = w.project.slug;
      const none = await t.app.inject({ method: 'GET', url: `/p/${slug}/pgp-key.asc` });
      assert.equal(none.statusCode, 404);
      assertProblem(await call('GET', `/api/v1/projects/${slug}/pgp-key`), 404);
      const unsigned = await t.app.inject({ method: 'GET', url: `/p/${slug}/security.txt` });
      assert.doesNotMatch(unsigned.body, /BEGIN PGP/);
      assert.doesNotMatch(unsigned.body, /pgp-key\.asc/);

      assertProblem(
        await call('POST', `/api/v1/projects/${slug}/pgp-key`, { token: pats.responder, body: {} }),
        403,
      );
      const made = await call('POST', `/api/v1/projects/${slug}/pgp-key`, {
        token: pats.maintainer,
        body: {},
      });
      assert.equal(made.status, 201, made.body);
      assertProblem(
        await call('POST', `/api/v1/projects/${slug}/pgp-key`, { token: pats.maintainer, body: {} }),
        409,
      );
      const pub = await call('GET', `/api/v1/projects/${slug}/pgp-key`);
      assert.equal(pub.json.fingerprint, made.json.fingerprint);

      const asc = await t.app.inject({ method: 'GET', url: `/p/${slug}/pgp-key.asc` });
      assert.equal(asc.statusCode, 200);
      assert.match(String(asc.headers['content-type']), /^application\/pgp-keys/);
      assert.match(asc.body, /^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
      assert.doesNotMatch(asc.body, /PRIVATE/);

      const txt = await t.app.inject({ method: 'GET', url: `/p/${slug}/security.txt` });
      assert.match(String(txt.headers['content-type']), /^text\/plain/);
      assert.match(txt.body, /^-----BEGIN PGP SIGNED MESSAGE-----\n/);
      assert.match(txt.body, new RegExp(`\\nEncryption: http://localhost:8080/p/${slug}/pgp-key\\.asc\\n`));
      assert.doesNotMatch(txt.body, /\r/);
      const v = await verifyCleartext(txt.body, asc.body);
      assert.equal(v.valid, true);
      assert.match(v.text, /^# security\.txt of /);
      const forged = await verifyCleartext(txt.body.replace('Contact: http', 'Contact: ftp'), asc.body);
      assert.equal(forged.valid, false);
      // Several projects: the instance file is not one project's, so it is not signed by one.
      const inst = await t.app.inject({ method: 'GET', url: '/.well-known/security.txt' });
      assert.doesNotMatch(inst.body, /BEGIN PGP/);

      assertProblem(await call('DELETE', `/api/v1/projects/${slug}/pgp-key`, { token: pats.responder }), 403);
      assert.equal(
        (await call('DELETE', `/api/v1/projects/${slug}/pgp-key`, { token: pats.maintainer })).status,
        204,
      );
      assertProblem(
        await call('DELETE', `/api/v1/projects/${slug}/pgp-key`, { token: pats.maintainer }),
        404,
      );
    });

    test('settings page: maintainers generate and remove with forms; responders are refused', async () => {
      const { t } = world;
      const p = await makeProject(t.services, { name: 'Pagekey' });
      const m = await makeMember(t.services, p.slug, 'maintainer');
      const r = await makeMember(t.services, p.slug, 'responder');
      const base = `/p/${p.slug}/settings/pgp`;

      const anon = await new PageClient(t.app).get(base);
      assert.equal(anon.statusCode, 303, 'sign in first');
      const rc = new PageClient(t.app);
      await rc.login(r.email, PASSWORD);
      assert.equal((await rc.get(base)).statusCode, 403);
      const stranger = new PageClient(t.app);
      await stranger.login((await makeUser(t.services)).email, PASSWORD);
      assert.equal((await stranger.get(base)).statusCode, 404);

      const mc = new PageClient(t.app);
      await mc.login(m.email, PASSWORD);
      const settings = await mc.get(`/p/${p.slug}/settings`);
      assert.match(settings.body, new RegExp(`href="${base}"`), 'linked from the project settings');
      const page = await mc.get(base);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /No key yet/);
      assert.doesNotMatch(page.body, /<script/i);
      assert.equal((await mc.post(`${base}/generate`, {}, { csrf: null })).statusCode, 403, 'CSRF checked');
      assert.equal((await rc.post(`${base}/generate`, {}, { csrfFrom: `/p/${p.slug}` })).statusCode, 403);

      const gen = await mc.post(`${base}/generate`, {}, { csrfFrom: base });
      assert.equal(gen.statusCode, 303);
      assert.equal(gen.headers.location, `${base}?done=generated`);
      const info = (await t.services.projectKeys.keyInfo(p.slug))!;
      const shown = await mc.get(String(gen.headers.location));
      assert.match(shown.body, /new key pair was generated/);
      assert.match(shown.body, new RegExp(info.fingerprint.slice(0, 4)));
      assert.match(shown.body, /Pagekey security team/);

      const again = await mc.post(`${base}/generate`, {}, { csrfFrom: base });
      assert.equal(again.statusCode, 409);
      assert.match(again.body, /already has the key/);
      const bad = await mc.post(
        `${base}/import`,
        { privateKey: 'not a key', replace: '1' },
        { csrfFrom: base },
      );
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /not a readable OpenPGP private key/);
      assert.equal((await t.services.projectKeys.keyInfo(p.slug))?.fingerprint, info.fingerprint);

      const noConfirm = await mc.post(`${base}/remove`, {}, { csrfFrom: base });
      assert.equal(noConfirm.statusCode, 422);
      const removed = await mc.post(`${base}/remove`, { confirm: '1' }, { csrfFrom: base });
      assert.equal(removed.statusCode, 303);
      assert.equal(await t.services.projectKeys.keyInfo(p.slug), null);
      assert.ok(csrfToken((await mc.get(base)).body));
    });
  });

  describe(`single-project instance security.txt (${dialect})`, () => {
    test('/.well-known/security.txt is signed with the only project’s key', async () => {
      const t = await createTestApp(dialect);
      try {
        const p = await makeProject(t.services, { name: 'Solo' });
        const admin = await makeUser(t.services, { admin: true });
        const info = await t.services.projectKeys.generate(admin.actor, p.slug);
        const res = await t.app.inject({ method: 'GET', url: '/.well-known/security.txt' });
        assert.match(String(res.headers['content-type']), /^text\/plain/);
        assert.match(
          res.body,
          new RegExp(`\\nEncryption: http://localhost:8080/p/${p.slug}/pgp-key\\.asc\\n`),
        );
        assert.match(res.body, /\nCanonical: http:\/\/localhost:8080\/\.well-known\/security\.txt\n/);
        assert.equal((await verifyCleartext(res.body, info.publicKey)).valid, true);
      } finally {
        await t.close();
      }
    });
  });
}
