#!/usr/bin/env bash
# The full test suite: builds everything with warnings as errors, then runs every test project.
# Installs what it needs on a fresh Debian machine (run as root, or with sudo available).
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK is required (https://learn.microsoft.com/dotnet/core/install/linux-debian)" >&2
  exit 1
fi

# The conformance corpus lives beside the repository in the team's checkout; point LATTICE_CORPUS
# elsewhere to run the same suite on another cases file. Without it the conformance suite is skipped
# (and says why), unless LATTICE_REQUIRE_CORPUS=1, which CI sets.
if [ -z "${LATTICE_CORPUS:-}" ] && [ -f ../shared/corpus/cases.json ]; then
  export LATTICE_CORPUS="$PWD/../shared/corpus/cases.json"
fi

# Debian packages the tests use for real: docker-compose (to validate docker-compose.yml with
# `docker-compose config`; no daemon needed) and postgresql (the lattice on a real PostgreSQL; the
# tests start and stop their own throwaway server on a free loopback port).
missing=()
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
# redis-server and nats-server (JetStream): the key-value provider's backends; the tests start their own.
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)
if [ ${#missing[@]} -gt 0 ]; then
  install="apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing[*]} >/dev/null"
  if [ "$(id -u)" = 0 ]; then sh -c "$install"; else sudo sh -c "$install"; fi
fi

results="$PWD/artifacts/test-results"
rm -rf "$results"
dotnet build LatticeActors.sln -c Release -warnaserror -nologo -v quiet
status=0
dotnet test LatticeActors.sln -c Release --no-build --nologo \
  --logger "trx" --results-directory "$results" || status=$?

# One plain closing line for CI, summed over every test project's results.
python3 - "$results" <<'PY' || true
import sys, glob, xml.etree.ElementTree as ET
p = f = s = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(path).getroot().find(".//{*}Counters")
    if c is None: continue
    p += int(c.get("passed", 0)); f += int(c.get("failed", 0)); s += int(c.get("notExecuted", 0))
print(f"{p} passed, {f} failed, {s} skipped")
PY
exit $status
