using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Tests.Wasm;

/// <summary>Host resources defined from C#, and guest resources held by the host.</summary>
public sealed class ResourceSpec : IDisposable
{
    private const string Guest = "lattice:fixtures/guest";
    private readonly ComponentLinker _linker = new(WasmHost.Engine);
    private readonly List<string> _log = [];
    private readonly RecyclingInstance _instance;

    private sealed class Counter(uint value)
    {
        public uint Value = value;
    }

    public ResourceSpec()
    {
        var counterType = new HostResourceType("counter", (store, rep) =>
        {
            var c = (Counter)store.Resources.Remove(rep)!;
            _log.Add($"drop {c.Value}");
        });
        _linker.Instance("lattice:fixtures/host-counter")
            .Resource("counter", counterType)
            .Func("[constructor]counter", (call, args) =>
            {
                _log.Add($"new {args[0].AsU32()}");
                return call.Resources.Own(counterType, new Counter(args[0].AsU32()));
            })
            .Func("[method]counter.increment", (call, args) =>
            {
                call.Resources.Get<Counter>(counterType, args[0]).Value++;
                return null;
            })
            .Func("[method]counter.get", (call, args) => WitValue.U32(call.Resources.Get<Counter>(counterType, args[0]).Value));
        _instance = new RecyclingInstance(_linker, WasmHost.Fixture("wat/resources.wasm"));
    }

    public void Dispose()
    {
        _instance.Dispose();
        _linker.Dispose();
    }

    [Fact]
    public void Host_resources_are_constructed_called_and_dropped_by_the_guest()
    {
        Assert.Equal(42u, _instance.Call(Guest, "use-counter", WitValue.U32(40))!.AsU32());
        Assert.Equal(["new 40", "drop 42"], _log);
        Assert.Equal(0, _instance.Instance.Store.Resources.Count); // nothing left behind
    }

    [Fact]
    public void Guest_resources_are_passed_back_as_borrows_and_owns()
    {
        var box = Assert.IsType<WitResource>(_instance.Call(Guest, "[constructor]box", WitValue.U32(5)));
        Assert.True(box.Owned);
        Assert.False(box.IsHost);
        Assert.Equal(5u, _instance.Call(Guest, "[method]box.get", box.AsBorrow())!.AsU32());
        Assert.Equal(5u, _instance.Call(Guest, "peek-box", box.AsBorrow())!.AsU32());
        Assert.Equal(5u, _instance.Call(Guest, "take-box", box)!.AsU32()); // ownership moves into the guest

        // The handle was consumed: using it again is a guest-side error that kills only this instance.
        Assert.Throws<ComponentTrapException>(() => _instance.Call(Guest, "peek-box", box.AsBorrow()));
        Assert.Equal(42u, _instance.Call(Guest, "use-counter", WitValue.U32(40))!.AsU32());
    }

    [Fact]
    public void The_host_can_drop_a_guest_resource()
    {
        var box = (WitResource)_instance.Call(Guest, "[constructor]box", WitValue.U32(9))!;
        box.Drop(_instance.Instance.Store);
        Assert.Throws<ComponentTrapException>(() => _instance.Call(Guest, "[method]box.get", box.AsBorrow()));
    }

    [Fact]
    public void A_handle_of_the_wrong_kind_is_refused_before_the_call()
    {
        var box = (WitResource)_instance.Call(Guest, "[constructor]box", WitValue.U32(1))!;
        var e = Assert.Throws<WitTypeMismatchException>(() => _instance.Call(Guest, "take-box", box.AsBorrow()));
        Assert.Contains("owned box handle", e.Message);
    }
}
