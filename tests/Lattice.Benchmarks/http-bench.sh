#!/usr/bin/env bash
# HTTP throughput and latency of a "hello, world!" GET /, measured with wrk on loopback against
#   (a) kestrel   plain Kestrel (tests/HttpBaseline): the floor of what a .NET server can do;
#   (b) jco       `jco serve demo/http-hello/http-hello.wasm`: the same component on Node's
#                 preview2-shim, a WASI HTTP host that is not ours;
#   (c) ours      our http-server provider serving demo/http-hello: a `lattice up` host started
#                 here (its own data directory and ports) with BENCH_INSTANCES instances (default
#                 4) behind the provider; or, when LATTICE_HTTP_URL is set, whatever serves there.
# Prints a markdown table (requests/s, p50, p99, failed requests) and, when (c) ran, the ratios
# ours/kestrel and ours/jco.
#
#   tests/Lattice.Benchmarks/http-bench.sh
#   LATTICE_HTTP_URL=http://127.0.0.1:8000/ tests/Lattice.Benchmarks/http-bench.sh   # an existing lattice
#
# Settings (environment): BENCH_DURATION (wrk -d, default 10s), BENCH_CONNECTIONS (-c, 32),
# BENCH_THREADS (-t, 2), BENCH_WARMUP (an untimed run before each measured one, 3s),
# JCO_DIR (where jco is npm-installed, as demo/build.sh does).
# Installs wrk with apt-get when missing (as root), and jco 1.35.0 into $JCO_DIR.
# wrk and the server share the machine's cores: compare rows of one run, not numbers across
# machines.
set -euo pipefail
cd "$(dirname "$0")/../.."

duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-2}
warmup=${BENCH_WARMUP:-3s}
jco_version=1.35.0
jco_dir=${JCO_DIR:-${TMPDIR:-/tmp}/lattice-jco-tools}
jco="$jco_dir/node_modules/.bin/jco"
expected_body=$'hello, world!\n'

# --- tools -------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
  if [[ $EUID -ne 0 ]]; then echo "wrk is missing: install it (apt-get install wrk) or run as root" >&2; exit 1; fi
  echo ">> apt-get install wrk" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
if [[ ! -x "$jco" ]] || [[ "$("$jco" --version 2>/dev/null)" != "$jco_version" ]]; then
  echo ">> installing @bytecodealliance/jco@$jco_version into $jco_dir" >&2
  mkdir -p "$jco_dir"
  npm install --prefix "$jco_dir" --no-audit --no-fund --loglevel=error "@bytecodealliance/jco@$jco_version" >&2
fi

# --- servers we start --------------------------------------------------------------------------
work=$(mktemp -d /tmp/lattice-http-bench-XXXX)
server=""   # process group of the server running now (each is started in its own session)
stop_server() {
  if [[ -n "$server" ]]; then
    kill -TERM -- "-$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
  fi
}
trap 'stop_server; rm -rf "$work"' EXIT

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# wait_until_up URL LOG: until URL answers (60 s at most; server start includes a build or a transpile)
wait_until_up() {
  for _ in $(seq 1 300); do
    curl -s -o /dev/null -m 2 "$1" && return 0
    kill -0 "$server" 2>/dev/null || { echo "server exited:" >&2; cat "$2" >&2; return 1; }
    sleep 0.2
  done
  echo "no answer from $1 after 60 s:" >&2; cat "$2" >&2; return 1
}

# --- measuring ---------------------------------------------------------------------------------
names=(); rps=(); p50=(); p99=(); failed=()

# wrk prints latencies with a unit (812.00us, 1.23ms, 1.02s, 1.50m): in milliseconds
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : -1
    if (f < 0) { print "?" } else { printf "%.2f", n * f }
  }'
}

# measure NAME URL [EXPECTED_BODY]: one warm-up, then the measured wrk run; appends a table row
measure() {
  local name=$1 url=$2 expect=${3-} out
  # the status code goes right after the body, so the body keeps its trailing newline
  out=$(curl -s -m 10 -w '%{http_code}' "$url") || { echo "$name: $url does not answer" >&2; return 1; }
  if [[ "${out: -3}" != 200 ]]; then
    echo "$name: GET $url gave HTTP ${out: -3}, not 200" >&2; return 1
  fi
  if [[ -n "$expect" && "${out%???}" != "$expect" ]]; then
    echo "$name: unexpected body from $url: ${out%???}" >&2; return 1
  fi
  echo ">> $name: $url (warm-up $warmup, then -t$threads -c$connections -d$duration)" >&2
  wrk -t"$threads" -c"$connections" -d"$warmup" "$url" >/dev/null
  out=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "$url")
  echo "$out" > "$work/$name.wrk"
  names+=("$name")
  rps+=("$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")")
  p50+=("$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")")
  p99+=("$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")")
  # failures: non-2xx/3xx answers plus socket errors (connect, read, write, timeout)
  failed+=("$(awk '/Non-2xx or 3xx responses:/ { n += $NF }
                   /Socket errors:/ { for (i = 4; i <= NF; i += 2) { v = $i; sub(/,/, "", v); n += v } }
                   END { print n + 0 }' <<<"$out")")
}

# (a) plain Kestrel
bench_kestrel() {
  local port log=$work/kestrel.log
  dotnet build tests/HttpBaseline -c Release -nologo -v quiet -clp:NoSummary >&2
  port=$(free_port)
  setsid dotnet tests/HttpBaseline/bin/Release/net10.0/HttpBaseline.dll --port "$port" >"$log" 2>&1 &
  server=$!
  wait_until_up "http://127.0.0.1:$port/" "$log"
  measure kestrel "http://127.0.0.1:$port/" "$expected_body"
  stop_server
}

# (b) the same component under jco serve (one component instance on Node's event loop)
bench_jco() {
  local port log=$work/jco.log
  port=$(free_port)
  setsid "$jco" serve demo/http-hello/http-hello.wasm --host 127.0.0.1 --port "$port" \
    --jco-dir "$work/jco-serve" >"$log" 2>&1 &
  server=$!
  wait_until_up "http://127.0.0.1:$port/" "$log"
  measure jco "http://127.0.0.1:$port/" "$expected_body"
  stop_server
}

# (c) our http-server serving demo/http-hello: a host of our own, or the caller's at URL.
bench_ours() {
  measure ours "$1" "$expected_body"
}

start_ours() {
  local cluster admin http log=$work/lattice.log
  dotnet build src/Lattice.Node -c Release -nologo -v quiet -clp:NoSummary >/dev/null
  local dll=$PWD/src/Lattice.Node/bin/Release/net10.0/lattice.dll
  cluster=$(free_port); admin=$(free_port); http=$(free_port)
  setsid dotnet "$dll" up --port "$cluster" --admin-port "$admin" --data "$work/lattice" --lattice bench >"$log.out" 2>"$log" &
  server=$!
  for _ in $(seq 120); do grep -q '^host ' "$log.out" 2>/dev/null && break; sleep 0.5; done
  grep -q '^host ' "$log.out" || { cat "$log" >&2; return 1; }
  local l=(env "LATTICE_HOST=http://127.0.0.1:$admin" dotnet "$dll")
  "${l[@]}" config put listen "address=127.0.0.1:$http" >/dev/null
  "${l[@]}" provider start web http-server --config listen >/dev/null
  "${l[@]}" component start hello demo/http-hello/http-hello.wasm --instances "${BENCH_INSTANCES:-4}" >/dev/null
  "${l[@]}" link put web hello wasi:http/incoming-handler >/dev/null
  wait_until_up "http://127.0.0.1:$http/" "$log"
  ours_url="http://127.0.0.1:$http/"
}

bench_kestrel
bench_jco
ours_failed=0
if [[ -n "${LATTICE_HTTP_URL:-}" ]]; then
  # a failure here still prints the rows measured so far, then exits 1
  bench_ours "$LATTICE_HTTP_URL" || ours_failed=1
else
  ours_url=""
  if start_ours; then bench_ours "$ours_url" || ours_failed=1; else ours_failed=1; fi
  stop_server
fi

# --- report ------------------------------------------------------------------------------------
echo
echo "GET / \"hello, world!\", wrk -t$threads -c$connections -d$duration, $(nproc) cores shared by wrk and server"
echo
echo "| server | requests/s | p50 (ms) | p99 (ms) | failed |"
echo "|---|---:|---:|---:|---:|"
for i in "${!names[@]}"; do
  echo "| ${names[$i]} | ${rps[$i]} | ${p50[$i]} | ${p99[$i]} | ${failed[$i]} |"
done

row_of() { local i; for i in "${!names[@]}"; do [[ ${names[$i]} == "$1" ]] && { echo "$i"; return; }; done; echo -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
ours=$(row_of ours)
if ((ours >= 0)); then
  echo
  echo "| ratio | requests/s | p50 | p99 |"
  echo "|---|---:|---:|---:|"
  for base in kestrel jco; do
    b=$(row_of "$base")
    ((b >= 0)) || continue
    echo "| ours/$base | $(ratio "${rps[$ours]}" "${rps[$b]}") | $(ratio "${p50[$ours]}" "${p50[$b]}") | $(ratio "${p99[$ours]}" "${p99[$b]}") |"
  done
fi
exit "$ours_failed"
