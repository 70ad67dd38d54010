# syntax=docker/dockerfile:1
# Parley container image: `docker build -t parley .` (see docs/operations.md#install); built and checked
# as production runs it by deploy/docker/check-image.sh.
#
# Stage 1 installs the production dependencies, compiling better-sqlite3's native module (python3,
# make and g++ are in the full Debian image). Stage 2 is the slim runtime: the same Debian release
# (bookworm, same glibc) so the compiled module loads, no compilers, no npm, and a non-root user.
#
# Runs with a read-only root filesystem: everything Parley writes goes to PARLEY_DATA_DIR=/data
# (a volume: the SQLite database and, unless PARLEY_SECRET_KEY_FILE points elsewhere, the key file).
# Parley runs from its TypeScript sources through tsx, whose compile cache would be written under
# $TMPDIR; TSX_DISABLE_CACHE=1 keeps it in memory (start-up is no slower: measured 2.3–2.9 s either way),
# and TMPDIR=/tmp can still be given a tmpfs for anything else that wants a temp dir.
ARG NODE_IMAGE=node:20-bookworm

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && node -e "require('better-sqlite3')(':memory:').close()" \
 && npm cache clean --force

FROM ${NODE_IMAGE}-slim AS runtime
# tini as PID 1 forwards SIGTERM to node (which drains requests and jobs; src/http/server.ts) and
# reaps zombies. npm and corepack are not needed at run time: removed to shrink what an attacker finds.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
           /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack
WORKDIR /app
# Application files stay owned by root: the app user can read, not change, its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
# The policy JSON Schema is imported at run time (src/domain/policy/policy-schema.ts).
COPY docs/policy.schema.json ./docs/policy.schema.json
RUN mkdir -p /data && chown 10001:10001 /data && chmod 0700 /data

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    PARLEY_DATA_DIR=/data \
    TMPDIR=/tmp \
    TSX_DISABLE_CACHE=1

# A numeric UID (no passwd entry needed), so Kubernetes' runAsNonRoot can verify it.
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8080

# No curl in the slim image: Node's own fetch asks /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/parley.js"]
# One container on its own database: apply migrations, then serve. With several replicas (see
# deploy/kubernetes) migrations run once beforehand (`parley migrate`) and the server runs `serve`.
CMD ["serve", "--migrate"]
