#!/usr/bin/env bash
# Starts LatticeActors on its embedded defaults: one `lattice up` host (cluster port 4100, admin API
# on http://127.0.0.1:4000, data in ~/.local/share/lattice/default), deploys the bench component
# with two instances, calls it once, and keeps the host running until Ctrl-C (a graceful leave).
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

echo "== lattice component start bench tests/fixtures/wat/bench.wasm --instances 2"
lattice component start bench tests/fixtures/wat/bench.wasm --instances 2
echo "== lattice call bench add 2 3"
lattice call bench add 2 3
echo "== lattice get inventory"
lattice get inventory

cat <<EOT

The host is up (its log: $log). In another terminal:
  alias lattice='dotnet $dll'
  lattice call bench add 2 3          # through the lattice, on any instance
  lattice get hosts                   # or: cluster show, get inventory, cluster-sharding region-stats -r component
Ctrl-C here stops the host (graceful leave).
EOT
wait "$host"
