#!/usr/bin/env bash
# Builds local stand-ins for node:20-bookworm and node:20-bookworm-slim where Docker Hub cannot be
# reached but Debian's mirror and the npm registry can (an air-gapped build host with mirrors): Debian
# bookworm from debootstrap plus this host's Node.js 20, laid out as the official images lay it out
# (/usr/local). Then: NODE_IMAGE=parley-local/node:20-bookworm DOCKER_BUILDKIT=0 deploy/docker/check-image.sh
# (the classic builder: BuildKit would fetch the Dockerfile's `# syntax=` frontend from Docker Hub).
#
# EXTRA_CA=/path/ca.pem adds a CA to the images (a TLS-inspecting proxy in front of the registry).
# Needs root, debootstrap and a Docker engine; Node.js 20 on the host (node, npm and its headers).
set -euo pipefail
MIRROR=${MIRROR:-http://deb.debian.org/debian}
NODE=$(command -v node)
PREFIX=$(dirname "$(dirname "$(readlink -f "$NODE")")")
case "$("$NODE" -v)" in v20.*) ;; *) echo "needs Node.js 20 on the host" >&2; exit 1 ;; esac
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

debootstrap --variant=minbase bookworm "$WORK/rootfs" "$MIRROR" >/dev/null
tar -C "$WORK/rootfs" -c . | docker import - parley-local/bookworm-minbase >/dev/null

mkdir "$WORK/ctx"
cp "$NODE" "$WORK/ctx/node"
cp -a "$PREFIX/lib/node_modules/npm" "$WORK/ctx/npm"
cp -a "$PREFIX/include/node" "$WORK/ctx/include"
cp "${EXTRA_CA:-/dev/null}" "$WORK/ctx/extra-ca.pem"
cat > "$WORK/ctx/Dockerfile.slim" <<'DOCKERFILE'
FROM parley-local/bookworm-minbase
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY include /usr/local/include/node
COPY extra-ca.pem /usr/local/share/extra-ca.pem
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
# node-gyp cannot download Node's headers without the internet: use the copied ones.
ENV npm_config_nodedir=/usr/local NODE_EXTRA_CA_CERTS=/usr/local/share/extra-ca.pem
CMD ["node"]
DOCKERFILE
cat > "$WORK/ctx/Dockerfile.full" <<'DOCKERFILE'
FROM parley-local/node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
DOCKERFILE
DOCKER_BUILDKIT=0 docker build -q --network host -f "$WORK/ctx/Dockerfile.slim" \
  -t parley-local/node:20-bookworm-slim "$WORK/ctx"
DOCKER_BUILDKIT=0 docker build -q --network host -f "$WORK/ctx/Dockerfile.full" \
  -t parley-local/node:20-bookworm "$WORK/ctx"
echo "built parley-local/node:20-bookworm and parley-local/node:20-bookworm-slim"
