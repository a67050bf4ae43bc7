using Lattice.Tests;
using Lattice.Wasm;

namespace Lattice.Tests.Wasm;

/// <summary>One engine and cache for the whole test run: engines are heavy and meant to be shared.</summary>
internal static class WasmHost
{
    public static WasmEngine Engine { get; } = new();

    public static ComponentCache Cache { get; } = new(Engine, TestPaths.CacheDir);

    public static WasmComponent Fixture(string relative) => Cache.LoadFile(TestPaths.Fixture(relative));
}
