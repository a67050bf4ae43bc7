#!/usr/bin/env bash
# Soak: a three-host dev cluster under a steady stream of calls for SECONDS (default 600), with the
# failure-detector and downing settings of reference.conf. Passes when no member was ever marked
# unreachable or downed and every call succeeded: the fast-failover settings must not false-down
# on a busy 2-core box. Prints a summary line.
#   tests/Lattice.Benchmarks/soak.sh [SECONDS]
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-600}
dotnet build src/Lattice.Node -c Release -nologo -v quiet -clp:NoSummary >/dev/null
lattice() { dotnet src/Lattice.Node/bin/Release/net10.0/lattice.dll "$@"; }
data=$(mktemp -d /tmp/lattice-soak-XXXX)
port=$((20000 + RANDOM % 20000)); admin=$((port + 1000))
lattice up --nodes 3 --port "$port" --admin-port "$admin" --data "$data" > "$data/cluster.log" 2>&1 &
up=$!
# SIGTERM, not SIGINT: a background job of a non-interactive shell ignores SIGINT.
trap 'kill -TERM $up 2>/dev/null; wait $up 2>/dev/null' EXIT
for _ in $(seq 1 120); do
  [ "$(lattice cluster show --host "http://127.0.0.1:$admin" -o json 2>/dev/null | grep -o '"status": *"up"' | wc -l)" = 3 ] && break
  sleep 1
done
lattice component start bench tests/fixtures/wat/bench.wasm --instances 6 --host "http://127.0.0.1:$admin" >/dev/null
# Count from the first successful call: the new desired state takes a moment to reach every host.
for _ in $(seq 1 100); do
  [ "$(curl -s -m 10 -X POST "http://127.0.0.1:$admin/v1/components/bench/call" -H 'content-type: application/json' \
        -d '{"function":"add","args":["2","3"]}')" = "5" ] && break
  sleep 0.2
done
ok=0; failed=0; end=$((SECONDS + seconds)); i=0
while [ $SECONDS -lt $end ]; do
  target=$((admin + i % 3)); i=$((i + 1))
  if [ "$(curl -s -m 10 -X POST "http://127.0.0.1:$target/v1/components/bench/call" -H 'content-type: application/json' \
        -d '{"function":"add","args":["2","3"]}')" = "5" ]; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
done
unreachable=$(grep -ci "unreachable" "$data/cluster.log")
downed=$(grep -ciE "downing|is removing \(downed\)|\[Down\]" "$data/cluster.log")
members=$(lattice cluster show --host "http://127.0.0.1:$admin" -o json 2>/dev/null | grep -o '"status": *"up"' | wc -l)
echo "soak ${seconds}s: ${ok} calls ok, ${failed} failed; unreachable events ${unreachable}, downing events ${downed}; ${members} of 3 members up at the end"
[ "$failed" = 0 ] && [ "$unreachable" = 0 ] && [ "$downed" = 0 ] && [ "$members" = 3 ]
