using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Tests.Wasm;

/// <summary>
/// ComponentLinker.NameableResource: which host resource type a handle parameter of a component's
/// export stands for, when the linker defines it with FromName. kvwatcher.wasm exports
/// wasi:keyvalue/watcher, whose on-set borrows the bucket of the wasi:keyvalue/store it imports.
/// </summary>
public sealed class NameableResourceSpec : IDisposable
{
    private const string Store = "wasi:keyvalue/store@0.2.0-draft";
    private const string Watcher = "wasi:keyvalue/watcher@0.2.0-draft";
    private readonly ComponentLinker _linker = new(WasmHost.Engine);
    private readonly List<string> _sets = [];

    private void DefineStore(HostResourceType bucket)
    {
        _linker.Instance(Store)
            .Resource("bucket", bucket)
            .Func("open", (call, args) => WitValue.Ok(call.Resources.Own(bucket, args[0].AsString())))
            .Func("[method]bucket.get", (_, _) => WitValue.Ok(WitValue.None))
            .Func("[method]bucket.set", (call, args) =>
            {
                _sets.Add($"{call.Resources.Get<string>(bucket, args[0])}/{args[1].AsString()}={Convert.ToHexString(args[2].AsBytes().Span)}");
                return WitValue.Ok(null);
            });
    }

    private static HandleType BucketParam(WasmComponent component) =>
        (HandleType)component.World.FindExport(Watcher, "on-set")!.Type.Params[0].Type;

    [Fact]
    public void A_borrowed_bucket_of_an_imported_store_resolves_to_the_linker_s_nameable_type_and_can_be_lent()
    {
        var bucket = new HostResourceType("bucket") { FromName = name => name };
        DefineStore(bucket);
        var component = WasmHost.Fixture("wat/kvwatcher.wasm");
        Assert.Same(bucket, _linker.NameableResource(component.World, BucketParam(component)));

        // What ComponentActor does with a name: a host borrow minted in the store, removed after the call.
        using var instance = new RecyclingInstance(_linker, component);
        var store = instance.Instance.Store;
        var rep = store.Resources.Add(bucket, bucket.FromName!("b1"));
        instance.Call(Watcher, "on-set", WitResource.Host(bucket, rep, owned: false), WitValue.String("k"), WitValue.Bytes(new byte[] { 1, 2 }));
        Assert.Equal("b1", store.Resources.Remove(rep));
        Assert.Equal(["b1/seen-k=0102"], _sets);
        Assert.Equal(0, store.Resources.Count);
    }

    [Fact]
    public void A_host_resource_without_FromName_or_a_guest_resource_is_not_nameable()
    {
        DefineStore(new HostResourceType("bucket"));
        var component = WasmHost.Fixture("wat/kvwatcher.wasm");
        Assert.Null(_linker.NameableResource(component.World, BucketParam(component)));

        var resources = WasmHost.Fixture("wat/resources.wasm");
        var box = (HandleType)resources.World.FindExport("lattice:fixtures/guest", "peek-box")!.Type.Params[0].Type;
        Assert.Null(_linker.NameableResource(resources.World, box));
    }

    public void Dispose() => _linker.Dispose();
}
