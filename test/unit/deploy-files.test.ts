// What can be checked of the Dockerfile and the Kubernetes manifests without a container engine or a
// cluster: the image runs as a numeric non-root user with a healthcheck, copies files that exist
// (and everything the sources import from outside src/), holds no secrets, and starts a command the
// CLI has; the manifests build with kustomize and keep every pod locked down (non-root, read-only
// root filesystem, no privilege escalation, no capabilities, seccomp), probe /healthz and /readyz,
// take DATABASE_URL and the key file from a Secret and give the drain enough grace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '../../src/config.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const k8sDir = path.join(root, 'deploy/kubernetes');
const read = (f: string) => fs.readFileSync(path.join(root, f), 'utf8');

interface Instruction {
  op: string;
  args: string;
  stage: number;
}

/** Dockerfile instructions, continuation lines joined, each with the index of its build stage. */
function dockerfile(): Instruction[] {
  const text = read('Dockerfile').replace(/\\\n/g, ' ');
  const out: Instruction[] = [];
  let stage = -1;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const m = /^([A-Z]+)\s+(.*)$/.exec(t);
    assert.ok(m, `not an instruction: ${t}`);
    if (m[1] === 'FROM') stage++;
    out.push({ op: m[1]!, args: m[2]!.trim(), stage });
  }
  return out;
}

const ins = dockerfile();
const lastStage = Math.max(...ins.map((i) => i.stage));
const final = ins.filter((i) => i.stage === lastStage);
const one = (op: string) => {
  const found = final.filter((i) => i.op === op);
  assert.equal(found.length, 1, `one ${op} in the runtime stage`);
  return found[0]!.args;
};
const json = (args: string) => JSON.parse(args) as string[];

/** `.dockerignore` as a matcher: later lines win, `!` re-includes (enough for the patterns we use). */
function dockerIgnored(file: string): boolean {
  let ignored = false;
  for (const raw of read('.dockerignore').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    const pat = (negate ? line.slice(1) : line).replace(/^\/+/, '');
    const re = new RegExp(
      '^' +
        pat
          .split('**/')
          .map((p) =>
            p
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replace(/\*/g, '[^/]*')
              .replace(/\?/g, '[^/]'),
          )
          .join('(?:.*/)?') +
        '(?:/.*)?$',
    );
    if (re.test(file)) ignored = !negate;
  }
  return ignored;
}

test('the runtime image is node:20-bookworm-slim, built in a separate stage', () => {
  const args = Object.fromEntries(
    ins.filter((i) => i.op === 'ARG' && i.stage === -1).map((i) => i.args.split('=') as [string, string]),
  );
  const from = ins
    .filter((i) => i.op === 'FROM')
    .map((i) => i.args.replace(/\$\{(\w+)\}/g, (_, n: string) => args[n] ?? ''));
  assert.ok(from.length >= 2, 'multi-stage');
  assert.match(from.at(-1)!, /^node:20-bookworm-slim(\s|$)/);
  assert.match(from[0]!, /^node:20-bookworm\s+AS\s+\w+/i, 'the build stage has the same Debian release');
  assert.ok(
    final.some((i) => i.op === 'COPY' && /--from=\w+\s+\/app\/node_modules/.test(i.args)),
    'node_modules come from the build stage',
  );
});

test('the image runs as a numeric non-root user, on a read-only-friendly layout', () => {
  const user = one('USER');
  assert.match(user, /^[1-9][0-9]*(:[1-9][0-9]*)?$/, 'numeric UID (and GID), not root');
  const env = final
    .filter((i) => i.op === 'ENV')
    .map((i) => i.args)
    .join(' ');
  for (const [k, v] of <[string, string][]>[
    ['HOST', '0.0.0.0'],
    ['PORT', '8080'],
    ['PARLEY_DATA_DIR', '/data'],
    ['TSX_DISABLE_CACHE', '1'],
    ['TMPDIR', '/tmp'],
  ])
    assert.match(env, new RegExp(`\\b${k}=${v.replace(/\./g, '\\.')}(\\s|$)`), `${k}=${v}`);
  assert.match(one('VOLUME'), /"\/data"/);
  assert.match(one('EXPOSE'), /^8080$/);
  // The data dir is made for that user; the code stays root's (not writable by the app).
  const uid = user.split(':')[0]!;
  assert.ok(final.some((i) => i.op === 'RUN' && i.args.includes(`chown ${uid}`) && i.args.includes('/data')));
  const userAt = final.findIndex((i) => i.op === 'USER');
  assert.ok(
    final.slice(0, userAt).filter((i) => i.op === 'COPY').length > 0 &&
      final.slice(userAt).every((i) => i.op !== 'COPY'),
    'files are copied as root, before USER',
  );
});

test('the healthcheck asks /healthz with Node (no curl in the slim image) and is valid JavaScript', () => {
  const hc = one('HEALTHCHECK');
  const cmd = json(hc.slice(hc.indexOf('CMD') + 3).trim());
  assert.equal(cmd[0], 'node');
  assert.equal(cmd[1], '-e');
  assert.match(cmd[2]!, /\/healthz/);
  assert.doesNotThrow(() => new vm.Script(cmd[2]!), 'the -e script parses');
});

test('the entrypoint is the package bin behind tini; the default command exists in the CLI', () => {
  const entry = json(one('ENTRYPOINT'));
  const pkg = JSON.parse(read('package.json')) as { bin: Record<string, string> };
  assert.deepEqual(entry.slice(0, 2), ['/usr/bin/tini', '--'], 'tini forwards signals and reaps');
  assert.equal(entry[2], 'node');
  assert.equal(path.normalize(entry[3]!), path.normalize(pkg.bin.parley!));
  assert.ok(final.some((i) => i.op === 'RUN' && /apt-get install[^&]*\btini\b/.test(i.args)));
  const cmd = json(one('CMD'));
  assert.deepEqual(cmd, ['serve', '--migrate']);
  const help = spawnSync(process.execPath, [path.join(root, pkg.bin.parley!), cmd[0]!, '--help'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(help.status, 0, help.stderr);
  for (const opt of cmd.slice(1)) assert.ok(help.stdout.includes(opt), `serve has ${opt}`);
});

test('every COPY source exists, is not docker-ignored, and covers what the sources import', () => {
  const copied: string[] = [];
  for (const i of final.filter((x) => x.op === 'COPY' && !x.args.startsWith('--from'))) {
    const parts = i.args.split(/\s+/).filter((p) => !p.startsWith('--'));
    for (const src of parts.slice(0, -1)) {
      assert.ok(fs.existsSync(path.join(root, src)), `COPY ${src}: exists`);
      assert.ok(!dockerIgnored(src), `COPY ${src}: not excluded by .dockerignore`);
      copied.push(src);
    }
  }
  for (const needed of ['bin', 'src', 'package.json', 'tsconfig.json'])
    assert.ok(copied.includes(needed), `${needed} is copied`);
  // Files outside src/ that the sources import at run time (JSON schemas, package.json).
  const outside = new Set<string>();
  const walk = (dir: string) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(d.name) && !d.name.endsWith('.test.ts'))
        for (const m of fs.readFileSync(p, 'utf8').matchAll(/^import[^'"]*from '(\.[^']+)'/gm)) {
          const rel = path.relative(root, path.resolve(path.dirname(p), m[1]!));
          if (!rel.startsWith('src' + path.sep)) outside.add(rel);
        }
    }
  };
  walk(path.join(root, 'src'));
  assert.ok(outside.size > 0, 'the scan finds imports from outside src/ (docs/policy.schema.json)');
  for (const f of outside)
    assert.ok(
      copied.some((c) => f === c || f.startsWith(c + '/')),
      `${f} is imported by src/ and must be copied into the image`,
    );
  // Secrets and local state never enter the build context.
  for (const f of [
    'data/parley.db',
    'secret.key',
    'data/secret.key',
    '.env',
    'node_modules/x',
    '.git/config',
  ])
    assert.ok(dockerIgnored(f), `${f} is docker-ignored`);
});

test('no secrets in the Dockerfile or the manifests', () => {
  const texts = [
    read('Dockerfile'),
    ...fs.readdirSync(k8sDir).map((f) => fs.readFileSync(path.join(k8sDir, f), 'utf8')),
  ];
  for (const t of texts) {
    assert.doesNotMatch(t, /postgres(ql)?:\/\/[^\s:@/]+:[^\s@/]+@/, 'no database password');
    assert.doesNotMatch(t, /BEGIN [A-Z ]*PRIVATE KEY|data-key [0-9a-f]{8}/, 'no key material');
    assert.doesNotMatch(t, /\b(pat|rct|mt)_[A-Za-z0-9_-]{16,}/, 'no tokens');
  }
  for (const i of ins.filter((x) => x.op === 'ENV' || x.op === 'ARG'))
    assert.doesNotMatch(i.args, /(SECRET|PASSWORD|TOKEN|DATABASE_URL|SMTP_URL)\w*=/i, `no secret in ${i.op}`);
});

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function checkManifests(docs: Obj[], source: string) {
  const kinds = docs.map((d) => d.kind as string);
  for (const k of ['Deployment', 'Service', 'ConfigMap', 'PodDisruptionBudget'])
    assert.ok(kinds.includes(k), `${source}: a ${k}`);
  assert.ok(!kinds.includes('Secret'), `${source}: Secrets are created by the operator, not shipped`);
  for (const d of docs) assert.equal(d.metadata?.namespace, undefined, `${source}: namespace-agnostic`);
  const dep = docs.find((d) => d.kind === 'Deployment')!;
  const pod = dep.spec.template.spec as Obj;
  const podLabels = dep.spec.template.metadata.labels as Obj;
  assert.equal(dep.spec.replicas, 2);
  assert.deepEqual(dep.spec.selector.matchLabels, pick(podLabels, dep.spec.selector.matchLabels));
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.ok(pod.securityContext.runAsUser > 0);
  assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
  assert.equal(pod.automountServiceAccountToken, false);
  const containers = [...(pod.initContainers ?? []), ...pod.containers] as Obj[];
  for (const c of containers) {
    const sc = c.securityContext as Obj;
    assert.equal(sc.allowPrivilegeEscalation, false, `${c.name}: no privilege escalation`);
    assert.equal(sc.readOnlyRootFilesystem, true, `${c.name}: read-only root filesystem`);
    assert.deepEqual(sc.capabilities.drop, ['ALL'], `${c.name}: no capabilities`);
    assert.ok(c.resources?.requests?.memory && c.resources?.limits?.memory, `${c.name}: memory bounded`);
    const env = Object.fromEntries((c.env as Obj[]).map((e) => [e.name, e]));
    assert.ok(env.DATABASE_URL.valueFrom.secretKeyRef, `${c.name}: DATABASE_URL from a Secret`);
    // Writable places are volumes: the data dir and /tmp.
    const mounts = c.volumeMounts as Obj[];
    for (const dir of ['/data', '/tmp']) {
      const m = mounts.find((x) => x.mountPath === dir);
      assert.ok(m, `${c.name}: ${dir} is a volume`);
      assert.ok(pod.volumes.find((v: Obj) => v.name === m.name).emptyDir, `${c.name}: ${dir} is an emptyDir`);
    }
    // The shared key file: from a Secret volume, mounted as a directory so updates reach the pod.
    const keyFile = env.PARLEY_SECRET_KEY_FILE.value as string;
    const keyMount = mounts.find((x) => keyFile.startsWith(x.mountPath + '/'))!;
    assert.ok(keyMount, `${c.name}: the key file is on a mount`);
    assert.equal(keyMount.subPath, undefined, 'no subPath: Secret updates must reach running pods');
    assert.ok(
      pod.volumes.find((v: Obj) => v.name === keyMount.name).secret,
      'the key file comes from a Secret',
    );
  }
  const [migrate] = pod.initContainers as Obj[];
  assert.deepEqual(migrate!.args, ['migrate'], 'migrations run before the servers');
  const server = pod.containers[0] as Obj;
  assert.deepEqual(server.args, ['serve'], 'replicas serve without migrating');
  assert.equal(server.livenessProbe.httpGet.path, '/healthz');
  assert.equal(server.readinessProbe.httpGet.path, '/readyz');
  const port = (server.ports as Obj[]).find((p) => p.name === 'http');
  assert.equal(port?.containerPort, 8080);
  assert.ok(
    (server.env as Obj[]).find((e) => e.name === 'PARLEY_METRICS_TOKEN')?.valueFrom?.secretKeyRef,
    'the metrics token from the Secret',
  );
  // The grace period covers the drain: delay + timeout + the watchdog's 5 s (src/http/shutdown.ts).
  const cm = docs.find((d) => d.kind === 'ConfigMap')!;
  const config = loadConfig(cm.data as Record<string, string>);
  assert.ok(
    pod.terminationGracePeriodSeconds * 1000 >= config.shutdownDelayMs + config.shutdownTimeoutMs + 5000,
    `grace ${pod.terminationGracePeriodSeconds}s covers the drain`,
  );
  assert.equal(config.trustProxy, true, 'behind the Service/Ingress, client IPs come from X-Forwarded-For');
  const svc = docs.find((d) => d.kind === 'Service')!;
  assert.deepEqual(svc.spec.selector, pick(podLabels, svc.spec.selector));
  const pdb = docs.find((d) => d.kind === 'PodDisruptionBudget')!;
  assert.deepEqual(pdb.spec.selector.matchLabels, pick(podLabels, pdb.spec.selector.matchLabels));
  assert.ok(pdb.spec.minAvailable >= 1);
}

function pick(labels: Obj, like: Obj): Obj {
  return Object.fromEntries(Object.keys(like).map((k) => [k, labels[k]]));
}

test('the manifest files keep every pod locked down (parsed with yaml)', () => {
  const kust = parse(fs.readFileSync(path.join(k8sDir, 'kustomization.yaml'), 'utf8')) as Obj;
  const docs = (kust.resources as string[]).flatMap((f) =>
    parseAllDocuments(fs.readFileSync(path.join(k8sDir, f), 'utf8')).map((d) => d.toJS() as Obj),
  );
  checkManifests(docs, 'files');
  const sm = parse(fs.readFileSync(path.join(k8sDir, 'servicemonitor.example.yaml'), 'utf8')) as Obj;
  assert.equal(sm.spec.endpoints[0].path, '/metrics');
  assert.equal(sm.spec.endpoints[0].authorization.credentials.key, 'metrics-token');
  const ing = parse(fs.readFileSync(path.join(k8sDir, 'ingress.example.yaml'), 'utf8')) as Obj;
  assert.equal(ing.kind, 'Ingress');
});

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
test(
  'kubectl kustomize builds the manifests, and the built output is locked down too',
  { skip: kubectl.status === 0 ? false : 'kubectl is not installed: kustomize build not checked' },
  () => {
    const out = execFileSync('kubectl', ['kustomize', k8sDir], { encoding: 'utf8' });
    const docs = parseAllDocuments(out).map((d) => d.toJS() as Obj);
    checkManifests(docs, 'kustomize');
    const dep = docs.find((d) => d.kind === 'Deployment')!;
    for (const c of [...dep.spec.template.spec.initContainers, ...dep.spec.template.spec.containers])
      assert.match(c.image as string, /^[\w.-]+(\/[\w.-]+)+:[\w.-]+$/, 'the image is set by kustomize');
  },
);
