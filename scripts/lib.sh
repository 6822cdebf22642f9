# Shared helpers for the demo and test scripts. Source it; do not run it.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL_DIR="$REPO_ROOT/.local"
NODE_TOOLS="$REPO_ROOT/tools/node"
mkdir -p "$LOCAL_DIR"

say() { printf '\033[1m==> [%3ss] %s\033[0m\n' "$SECONDS" "$*" >&2; }

require() {
  command -v "$1" >/dev/null 2>&1 || { echo "error: '$1' is required but not on PATH ($2)" >&2; exit 1; }
}

# Installs Azurite and the client SDKs the tests post with (tools/node/package.json) from the lock file, once.
ensure_node_tools() {
  require node "install Node.js 20 or later"
  require npm "install npm"
  local package missing=""
  for package in @segment/analytics-node @segment/analytics-next @rudderstack/rudder-sdk-node; do
    [ -d "$NODE_TOOLS/node_modules/$package" ] || missing=1
  done
  if [ ! -x "$NODE_TOOLS/node_modules/.bin/azurite" ] || [ -n "$missing" ]; then
    say "Installing Azurite and the client SDKs (npm ci in tools/node)"
    (cd "$NODE_TOOLS" && npm ci --no-audit --no-fund --loglevel=error >&2)
  fi
}

# Debian's Chromium (and a CJK font) for the HTML report's browser tests, installed when missing.
ensure_chromium() {
  if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi 'wqy\|noto.*cjk'; then return; fi
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "warning: chromium is missing and cannot be installed here (needs root and apt-get); the browser tests will fail" >&2
    return
  fi
  say "Installing chromium and a CJK font (apt-get)"
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >&2
}

ensure_dotnet() {
  require dotnet "install the .NET 10 SDK"
  say "Restoring and building (dotnet build Serverless.sln)"
  dotnet build "$REPO_ROOT/Serverless.sln" -c "${CONFIGURATION:-Debug}" --nologo -v quiet -clp:ErrorsOnly >&2
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

wait_for_http() { # url, seconds
  local deadline=$((SECONDS + $2))
  until curl -fs -o /dev/null "$1"; do
    [ $SECONDS -lt $deadline ] || { echo "error: $1 did not answer within $2 s" >&2; return 1; }
    sleep 0.3
  done
}

wait_for_port() { # port, seconds
  local deadline=$((SECONDS + $2))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "error: nothing listens on 127.0.0.1:$1 after $2 s" >&2; return 1; }
    sleep 0.2
  done
}

PIDS=()
# Stops what we started, newest first, so the app lets go of Azurite before Azurite stops. Azurite
# waits for idle keep-alive connections on SIGTERM; it holds nothing worth keeping, so it gets 3 s.
stop_all() {
  local i pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid="${PIDS[$i]}"
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
trap stop_all EXIT

# Starts an in-memory Azurite on free loopback ports; exports AZURITE_CONNECTION.
start_azurite() {
  local blob queue table
  blob=$(free_port); queue=$(free_port); table=$(free_port)
  (cd "$LOCAL_DIR" && exec "$NODE_TOOLS/node_modules/.bin/azurite" --inMemoryPersistence --skipApiVersionCheck --silent \
    --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table") >"$LOCAL_DIR/azurite.log" 2>&1 &
  PIDS+=($!)
  for p in "$blob" "$queue" "$table"; do
    wait_for_port "$p" 30 || { cat "$LOCAL_DIR/azurite.log" >&2; exit 1; }
  done
  local key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  export AZURITE_CONNECTION="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
  export AZURITE_BLOB_URL="http://127.0.0.1:$blob/devstoreaccount1"
}
