using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Tests.Wasm;

/// <summary>Engine, components and linker are shared across threads; each thread has its own stores.</summary>
public class ConcurrencySpec
{
    [Fact]
    public void Stores_on_different_threads_share_one_linker_and_component()
    {
        using var linker = new ComponentLinker(WasmHost.Engine);
        var component = WasmHost.Fixture("wat/types.wasm");
        var failures = 0;
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            using var instance = new RecyclingInstance(linker, component);
            for (var i = 0; i < 2_000; i++)
            {
                var text = $"thread {t} call {i}";
                if (instance.Call("lattice:fixtures/types", "echo-string", WitValue.String(text))!.AsString() != text) Interlocked.Increment(ref failures);
                if (i % 500 == 0) instance.Recycle(); // fresh stores while other threads keep calling
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(0, failures);
    }
}
