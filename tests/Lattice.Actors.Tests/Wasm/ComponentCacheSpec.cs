using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Tests.Wasm;

public sealed class ComponentCacheSpec : IDisposable
{
    private readonly string _dir = Path.Combine(TestPaths.CacheDir, "cache-spec-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static uint Add(WasmComponent component)
    {
        using var linker = new ComponentLinker(component.Engine);
        using var store = new ComponentStore(component.Engine);
        return linker.Instantiate(store, component).GetFunction("", "add").Call(WitValue.U32(2), WitValue.U32(40))!.AsU32();
    }

    [Fact]
    public void Compiles_once_then_loads_the_precompiled_artifact()
    {
        var bytes = File.ReadAllBytes(TestPaths.Fixture("wat/bench.wasm"));
        using (var first = new ComponentCache(WasmHost.Engine, _dir))
            Assert.Equal(42u, Add(first.Load(bytes)));

        var artifact = Assert.Single(Directory.GetFiles(_dir, "*.cwasm"));
        Assert.StartsWith(WasmComponent.HashOf(bytes), Path.GetFileName(artifact));
        var written = File.GetLastWriteTimeUtc(artifact);

        using var second = new ComponentCache(WasmHost.Engine, _dir);
        var loaded = second.Load(bytes);
        Assert.Equal(42u, Add(loaded));
        Assert.Equal(written, File.GetLastWriteTimeUtc(artifact)); // read, not rewritten
        Assert.Same(loaded, second.Load(bytes)); // and kept in memory for the process
    }

    [Fact]
    public void Artifacts_are_keyed_by_engine_settings()
    {
        using var fuelEngine = new WasmEngine(new EngineOptions { ConsumeFuel = true });
        using var plain = new ComponentCache(WasmHost.Engine, _dir);
        using var fueled = new ComponentCache(fuelEngine, _dir);
        var sha = WasmComponent.HashOf(File.ReadAllBytes(TestPaths.Fixture("wat/bench.wasm")));
        Assert.NotEqual(plain.ArtifactPath(sha), fueled.ArtifactPath(sha));
    }

    [Fact]
    public void A_corrupt_artifact_is_replaced_not_fatal()
    {
        var bytes = File.ReadAllBytes(TestPaths.Fixture("wat/bench.wasm"));
        using (var first = new ComponentCache(WasmHost.Engine, _dir)) first.Load(bytes);
        var artifact = Directory.GetFiles(_dir, "*.cwasm").Single();
        File.WriteAllBytes(artifact, "garbage"u8.ToArray());

        using var second = new ComponentCache(WasmHost.Engine, _dir);
        Assert.Equal(42u, Add(second.Load(bytes)));
        Assert.NotEqual("garbage", File.ReadAllText(artifact));
    }

    [Fact]
    public void Fuel_bounds_work_when_the_engine_meters_it()
    {
        using var fuelEngine = new WasmEngine(new EngineOptions { ConsumeFuel = true });
        using var cache = new ComponentCache(fuelEngine, _dir);
        using var linker = new ComponentLinker(fuelEngine);
        using var instance = new RecyclingInstance(linker, cache.LoadFile(TestPaths.Fixture("wat/loop.wasm")), new InstanceLimits { Fuel = 100_000 });
        var e = Assert.Throws<ComponentTrapException>(() => instance.Call("", "spin"));
        Assert.Equal(TrapKind.OutOfFuel, e.Kind);
        Assert.Equal(7u, instance.Call("", "ok")!.AsU32());
    }
}
