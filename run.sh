#!/usr/bin/env bash
# Starts LatticeActors on its embedded defaults: one `lattice up` host (cluster port 4100, admin API
# on http://127.0.0.1:4000, data and the SQLite lattice database in ~/.local/share/lattice/default)
# and deploys the demo: the HTTP counter component (demo/http-counter) behind the http-server
# provider on http://127.0.0.1:8080 (LATTICE_HTTP_ADDRESS to change), counting visits in the
# key-value provider. The count is in the lattice database: it survives a restart of the host (run
# this again). Keeps the host running until Ctrl-C (a graceful leave).
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK is required (https://learn.microsoft.com/dotnet/core/install/linux-debian)" >&2
  exit 1
fi

dotnet build src/Lattice.Node -c Release -nologo -v quiet -clp:NoSummary
dll="$PWD/src/Lattice.Node/bin/Release/net10.0/lattice.dll"
lattice() { dotnet "$dll" "$@"; }

log="$(mktemp -t lattice-host.XXXXXX.log)"
lattice up >"$log.out" 2>"$log" &
host=$!
stop() { kill -TERM "$host" 2>/dev/null || true; wait "$host" 2>/dev/null || true; }
trap stop INT TERM
trap 'stop; rm -f "$log" "$log.out"' EXIT

for _ in $(seq 120); do
  grep -q '^host ' "$log.out" 2>/dev/null && break
  if ! kill -0 "$host" 2>/dev/null; then cat "$log" "$log.out" >&2; exit 1; fi
  sleep 0.5
done
cat "$log.out"

address="${LATTICE_HTTP_ADDRESS:-127.0.0.1:8080}"
run() { echo "== lattice $*"; lattice "$@"; }
# Every step is idempotent: on a restart they find the same desired state and change nothing.
run config put http-listen "address=$address"
run provider start kv keyvalue
run provider start http http-server --config http-listen
run component start counter demo/http-counter/http-counter.wasm
run link put counter kv wasi:keyvalue/store,atomics
run link put http counter wasi:http/incoming-handler
echo "== curl http://$address/   (twice)"
for _ in $(seq 100); do   # the listener and the instance start in the background: wait for the first answer
  if out="$(curl -sf "http://$address/" 2>/dev/null)"; then echo "$out"; break; fi
  sleep 0.2
done
curl -sS "http://$address/"
run get inventory

cat <<EOT

The host is up (its log: $log) and serves the counter on http://$address/. In another terminal:
  curl http://$address/               # visits: N+1, counted in the lattice database
  alias lattice='dotnet $dll'
  lattice get links                   # or: get hosts, get inventory, cluster show, get config http-listen
  lattice component scale counter 3   # more instances behind the same listener
Ctrl-C here stops the host (graceful leave).
EOT
wait "$host"
