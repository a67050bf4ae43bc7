#!/usr/bin/env bash
# Starts LatticeActors on its embedded defaults. Until the clustered host (`lattice up`) lands, this
# builds the `lattice` CLI and runs the component host on the bundled demo components: a WASI command
# (C, built with clang + wasi-libc) and a component exercising every WIT type.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK is required (https://learn.microsoft.com/dotnet/core/install/linux-debian)" >&2
  exit 1
fi

dotnet build src/Lattice.Node -c Release -nologo -v quiet -clp:NoSummary
lattice() { dotnet src/Lattice.Node/bin/Release/net10.0/lattice.dll "$@"; }

echo "== lattice inspect tests/fixtures/wat/bench.wasm"
lattice inspect tests/fixtures/wat/bench.wasm
echo
echo "== lattice run tests/fixtures/c/hello.wasm"
lattice run tests/fixtures/c/hello.wasm
echo
echo "== lattice call --wasm tests/fixtures/wat/types.wasm lattice:fixtures/types.echo-record '{\"x\":1,\"y\":-2,\"label\":\"p\"}'"
lattice call --wasm tests/fixtures/wat/types.wasm lattice:fixtures/types.echo-record '{"x":1,"y":-2,"label":"p"}'
