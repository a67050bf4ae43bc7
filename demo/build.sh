#!/usr/bin/env bash
# Rebuilds the demo components from their sources. The built .wasm files are
# committed; nothing at run time needs this script.
#
#   http-hello/http-hello.wat     -> http-hello/http-hello.wasm
#   http-counter/http-counter.wat -> http-counter/http-counter.wasm
#
# `jco parse` turns component text into the binary (deterministic: unchanged
# sources give byte-identical files); `jco wit` then decodes the result, which
# validates it and prints its world.
#
# Tools: jco (@bytecodealliance/jco@1.35.0, as tests/fixtures/build.sh uses),
# npm-installed into $JCO_DIR (default ${TMPDIR:-/tmp}/lattice-jco-tools,
# outside the repo) when missing.
#
# Usage: demo/build.sh        (from anywhere)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JCO_VERSION="1.35.0"
JCO_DIR="${JCO_DIR:-${TMPDIR:-/tmp}/lattice-jco-tools}"
JCO="$JCO_DIR/node_modules/.bin/jco"

if [[ ! -x "$JCO" ]] || [[ "$("$JCO" --version 2>/dev/null)" != "$JCO_VERSION" ]]; then
  echo ">> installing @bytecodealliance/jco@$JCO_VERSION into $JCO_DIR"
  mkdir -p "$JCO_DIR"
  npm install --prefix "$JCO_DIR" --no-audit --no-fund --loglevel=error \
    "@bytecodealliance/jco@$JCO_VERSION"
fi

for name in http-hello http-counter; do
  wat="$HERE/$name/$name.wat"
  wasm="$HERE/$name/$name.wasm"
  echo ">> $name/$name.wat -> $name/$name.wasm"
  "$JCO" parse "$wat" -o "$wasm"
  "$JCO" wit "$wasm" | sed -n '/^world/,$p' | sed 's/^/   /'
done

echo
for name in http-hello http-counter; do
  printf '%8d  %s\n' "$(stat -c %s "$HERE/$name/$name.wasm")" "$name/$name.wasm"
done
