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

# The docker-compose.yml check runs Debian's `docker-compose config` (no daemon needed).
command -v docker-compose >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq docker-compose >/dev/null; } || sudo sh -c 'apt-get update -qq && apt-get install -y -qq docker-compose >/dev/null'

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
