using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Tests.Wasm;

/// <summary>A misbehaving instance is stopped with a clear error, and the next call gets a fresh one.</summary>
public sealed class ContainmentSpec : IDisposable
{
    private readonly ComponentLinker _linker = new(WasmHost.Engine);

    public void Dispose() => _linker.Dispose();

    private RecyclingInstance Instance(string fixture, InstanceLimits? limits = null) =>
        new(_linker, WasmHost.Fixture(fixture), limits);

    private static void NextCallWorks(RecyclingInstance instance, int generationBefore)
    {
        Assert.Equal(7u, instance.Call("", "ok")!.AsU32());
        Assert.Equal(generationBefore + 1, instance.Generation);
    }

    [Fact]
    public void An_infinite_loop_is_stopped_at_its_deadline()
    {
        using var instance = Instance("wat/loop.wasm", new InstanceLimits { Timeout = TimeSpan.FromMilliseconds(200) });
        Assert.Equal(7u, instance.Call("", "ok")!.AsU32());
        var e = Assert.Throws<ComponentTrapException>(() => instance.Call("", "spin"));
        Assert.Equal(TrapKind.Deadline, e.Kind);
        Assert.Contains("deadline", e.Message);
        NextCallWorks(instance, 1);
    }

    [Fact]
    public void A_memory_bomb_hits_the_memory_limit()
    {
        using var instance = Instance("wat/membomb.wasm", new InstanceLimits { MemoryBytes = 8 * 1024 * 1024 });
        var e = Assert.Throws<ComponentTrapException>(() => instance.Call("", "grow"));
        Assert.Equal(TrapKind.Trap, e.Kind);
        Assert.Contains("unreachable", e.Message); // the fixture traps when memory.grow is refused
        NextCallWorks(instance, 1);
    }

    [Fact]
    public void Infinite_recursion_exhausts_the_stack_not_the_host()
    {
        using var instance = Instance("wat/recursion.wasm");
        var e = Assert.Throws<ComponentTrapException>(() => instance.Call("", "recurse"));
        Assert.Contains("stack", e.Message);
        NextCallWorks(instance, 1);
    }

    [Fact]
    public void Unreachable_is_a_trap_that_recycles_only_that_instance()
    {
        using var instance = Instance("wat/unreachable.wasm");
        using var bystander = Instance("wat/unreachable.wasm");
        Assert.Equal(7u, bystander.Call("", "ok")!.AsU32());
        var e = Assert.Throws<ComponentTrapException>(() => instance.Call("", "boom"));
        Assert.Contains("unreachable", e.Message);
        Assert.True(instance.Instance.Store is { IsDead: false }); // already rebuilt on access
        Assert.Equal(7u, bystander.Call("", "ok")!.AsU32());
        Assert.Equal(1, bystander.Generation);
    }

    [Fact]
    public void A_throwing_host_function_traps_the_guest_with_its_message()
    {
        var counterType = new HostResourceType("counter");
        _linker.Instance("lattice:fixtures/host-counter")
            .Resource("counter", counterType)
            .Func("[constructor]counter", (_, _) => throw new InvalidOperationException("backend unavailable"))
            .Func("[method]counter.increment", (_, _) => null)
            .Func("[method]counter.get", (_, _) => WitValue.U32(0));
        using var instance = Instance("wat/resources.wasm");
        var e = Assert.Throws<ComponentTrapException>(() => instance.Call("lattice:fixtures/guest", "use-counter", WitValue.U32(1)));
        Assert.Equal(TrapKind.HostError, e.Kind);
        Assert.Contains("backend unavailable", e.Message);
        Assert.IsType<InvalidOperationException>(e.InnerException);
        var box = instance.Call("lattice:fixtures/guest", "[constructor]box", WitValue.U32(3));
        Assert.Equal(2, instance.Generation);
        Assert.NotNull(box);
    }

    [Fact]
    public void A_component_with_unsatisfied_imports_fails_to_link_with_a_clear_error()
    {
        using var instance = Instance("wat/resources.wasm");
        var e = Assert.Throws<ComponentLinkException>(() => instance.Call("lattice:fixtures/guest", "use-counter", WitValue.U32(1)));
        Assert.Contains("lattice:fixtures/host-counter", e.Message);
    }

    [Fact]
    public void Bytes_that_are_not_a_component_are_rejected_with_a_clear_error()
    {
        var e = Assert.Throws<ComponentLoadException>(() => WasmHost.Cache.Load("not wasm at all"u8.ToArray()));
        Assert.StartsWith("not a valid WebAssembly component", e.Message);
    }
}
