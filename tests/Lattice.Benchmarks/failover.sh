#!/usr/bin/env bash
# Failover measurements over several runs, on real `lattice up` processes (3 hosts on loopback):
# kill -9 of the busiest host -> all instances running again on the survivors, and a graceful
# leave under a steady stream of calls -> failed calls. Prints one line per run.
#   tests/Lattice.Benchmarks/failover.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
dotnet build tests/Lattice.Node.Tests -c Release -nologo -v quiet -clp:NoSummary
for i in $(seq 1 "$runs"); do
  dotnet test tests/Lattice.Node.Tests -c Release --no-build --nologo --filter "FullyQualifiedName~FailoverSpec" \
    --logger "console;verbosity=detailed" 2>&1 | grep -E "kill -9 ->|calls during the leave|Failed " | sed "s/^/run $i: /"
done
