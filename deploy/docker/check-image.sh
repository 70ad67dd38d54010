#!/usr/bin/env bash
# Builds the Parley image and checks it the way production runs it: read-only root filesystem, the
# non-root user, data on a volume only, the healthcheck, a report that survives a restart, SIGTERM
# draining to exit 0, and PostgreSQL through DATABASE_URL when one is given. Needs a Docker engine.
# Host networking, so it also works on an engine started without a bridge.
#
#   deploy/docker/check-image.sh                              build from node:20-bookworm and check
#   NODE_IMAGE=… deploy/docker/check-image.sh                 another base (see offline-base.sh)
#   CHECK_PG_URL=postgres://postgres@127.0.0.1:5432/postgres deploy/docker/check-image.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
IMAGE=${IMAGE:-parley:check}
PORT=${PORT:-18090}
NAME=parley-check-$$
VOLUME=parley-check-$$
URL=http://127.0.0.1:$PORT

fail() { echo "FAIL: $*" >&2; docker logs "$NAME" 2>&1 | tail -20 >&2 || true; exit 1; }
cleanup() { docker rm -f "$NAME" >/dev/null 2>&1 || true; docker volume rm "$VOLUME" >/dev/null 2>&1 || true; }
trap cleanup EXIT

wait_ready() {
  for _ in $(seq 1 60); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1/readyz")" = 200 ] && return 0
    sleep 1
  done
  fail "not ready at $1 within 60 s"
}

echo "== build $IMAGE${NODE_IMAGE:+ from $NODE_IMAGE}"
docker build --network host ${NODE_IMAGE:+--build-arg NODE_IMAGE=$NODE_IMAGE} -t "$IMAGE" . >/dev/null
docker image inspect "$IMAGE" --format 'size: {{.Size}} bytes'

echo "== run read-only, SQLite on the volume"
docker volume create "$VOLUME" >/dev/null
docker run -d --name "$NAME" --read-only --cap-drop ALL --security-opt no-new-privileges --network host -e PORT="$PORT" \
  -e PARLEY_PUBLIC_URL="$URL" -v "$VOLUME:/data" "$IMAGE" >/dev/null
wait_ready "$URL"
[ "$(docker exec "$NAME" id -u)" = 10001 ] || fail "not running as UID 10001"
docker exec "$NAME" sh -c 'touch /app/x' 2>/dev/null && fail "the application directory is writable"
docker exec "$NAME" sh -c 'test ! -e /usr/local/bin/npm' || fail "npm is still in the image"
echo "ok: UID 10001, read-only root, no npm"

echo 'a long admin password' | docker exec -i "$NAME" node bin/parley.js admin create \
  --email admin@example.org --password-stdin >/dev/null
docker exec "$NAME" node bin/parley.js project create --slug conure --name Conure --key CONURE \
  --maintainer admin@example.org >/dev/null
REPORT='{"title":"Heap overflow in the parser","description":"A crafted file overflows a heap buffer.",
 "stepsToReproduce":"conure parse crafted.bin","impact":"code execution","affectedVersions":"1.2.3",
 "reporterEmail":"reporter@example.org"}'
ANSWER=$(curl -s -w '\n%{http_code}' -H 'content-type: application/json' -d "$REPORT" \
  "$URL/api/v1/projects/conure/reports")
[ "$(echo "$ANSWER" | tail -1)" = 201 ] || fail "report not taken: $ANSWER"
ID=$(echo "$ANSWER" | head -1 | node -e 'process.stdin.on("data",d=>console.log(JSON.parse(d).id))')
TOKEN=$(echo "$ANSWER" | head -1 | node -e 'process.stdin.on("data",d=>console.log(JSON.parse(d).accessToken))')

for _ in $(seq 1 90); do
  [ "$(docker inspect --format '{{.State.Health.Status}}' "$NAME")" = healthy ] && break
  sleep 1
done
[ "$(docker inspect --format '{{.State.Health.Status}}' "$NAME")" = healthy ] || fail "healthcheck not healthy"
echo "ok: report taken, healthcheck healthy"

docker stop "$NAME" >/dev/null
[ "$(docker inspect --format '{{.State.ExitCode}}' "$NAME")" = 0 ] || fail "SIGTERM did not exit 0"
docker logs "$NAME" 2>&1 | grep -q '"drained; exiting"' || fail "no drain on SIGTERM"
docker start "$NAME" >/dev/null
wait_ready "$URL"
curl -s -H "authorization: Bearer $TOKEN" "$URL/api/v1/reports/$ID" | grep -q 'Heap overflow in the parser' \
  || fail "the report did not survive the restart"
echo "ok: SIGTERM drained and exited 0; the report survived the restart"
docker rm -f "$NAME" >/dev/null

if [ -n "${CHECK_PG_URL:-}" ]; then
  echo "== PostgreSQL through DATABASE_URL"
  DB=parley_check_$$
  psql "$CHECK_PG_URL" -qc "CREATE DATABASE $DB" >/dev/null
  PG=${CHECK_PG_URL%/*}/$DB
  docker run --rm --read-only --cap-drop ALL --security-opt no-new-privileges --network host -e DATABASE_URL="$PG" -v "$VOLUME:/data" "$IMAGE" migrate
  docker run -d --name "$NAME" --read-only --cap-drop ALL --security-opt no-new-privileges --network host -e PORT="$PORT" -e DATABASE_URL="$PG" \
    -e PARLEY_PUBLIC_URL="$URL" -v "$VOLUME:/data" "$IMAGE" serve >/dev/null
  wait_ready "$URL"
  docker stop "$NAME" >/dev/null
  [ "$(docker inspect --format '{{.State.ExitCode}}' "$NAME")" = 0 ] || fail "SIGTERM did not exit 0"
  docker rm -f "$NAME" >/dev/null
  psql "$CHECK_PG_URL" -qc "DROP DATABASE $DB" >/dev/null
  echo "ok: migrate, then serve on PostgreSQL; exit 0 on SIGTERM"
fi
echo "image checks passed"
