// wasi:keyvalue@0.2.0-draft (store + atomics) as a lattice provider.
//
// In the calling instance: `open` hands out a `bucket` resource that only remembers its name (the
// resource lives in the caller's store); every data operation is a ProviderRequest to the provider
// the component's link names, which may run on another host. Failures come back as the
// interface's own `error` variant (`other(text)`), never as a trap.
using Lattice.Actors.Providers;
using Lattice.Model;
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Providers.KeyValue;

public sealed class KeyValueProvider : ICapabilityProvider
{
    /// <summary>The `bucket` resource: the object behind a handle is the bucket's name.</summary>
    public static readonly HostResourceType BucketType = new("bucket");

    private sealed record Bucket(string Name);

    public string Kind => "keyvalue";

    public IReadOnlyList<string> Interfaces { get; } = ["wasi:keyvalue/store", "wasi:keyvalue/atomics"];

    public IProviderBackend Open(ProviderContext context) => new SqlKeyValueStore(context);

    public void Bind(LinkerInstance target, WitInterfaceName iface, IProviderChannel channel)
    {
        switch (iface.Interface)
        {
            case "store": BindStore(target, channel); break;
            case "atomics": BindAtomics(target, channel); break;
        }
    }

    private static void BindStore(LinkerInstance store, IProviderChannel channel)
    {
        store.Resource("bucket", BucketType);
        store.Func("open", (call, args) => args[0].AsString() is { Length: > 0 } name
            ? WitValue.Ok(call.Resources.Own(BucketType, new Bucket(name)))
            : Error("a bucket needs a name"));
        store.Func("[method]bucket.get", (call, args) =>
            Send(call, channel, new ProviderRequest("get", [Name(call, args[0]), args[1].AsString()]),
                r => r.Found ? WitValue.Some(WitValue.Bytes(r.Payload ?? [])) : WitValue.None));
        store.Func("[method]bucket.set", (call, args) =>
            Send(call, channel, new ProviderRequest("set", [Name(call, args[0]), args[1].AsString()], args[2].AsBytes().ToArray()), _ => null));
        store.Func("[method]bucket.delete", (call, args) =>
            Send(call, channel, new ProviderRequest("delete", [Name(call, args[0]), args[1].AsString()]), _ => null));
        store.Func("[method]bucket.exists", (call, args) =>
            Send(call, channel, new ProviderRequest("exists", [Name(call, args[0]), args[1].AsString()]), r => WitValue.Bool(r.Found)));
        store.Func("[method]bucket.list-keys", (call, args) =>
        {
            var cursor = args[1] is WitOption { Value: { } c } ? c.AsU64() : 0;
            return Send(call, channel, new ProviderRequest("list-keys", [Name(call, args[0])], Number: cursor), r => WitValue.Record(
                ("keys", WitValue.List((r.Items ?? []).Select(WitValue.String).ToList())),
                ("cursor", r.Found ? WitValue.Some(WitValue.U64(r.Number)) : WitValue.None)));
        });
    }

    private static void BindAtomics(LinkerInstance atomics, IProviderChannel channel) =>
        atomics.Func("increment", (call, args) =>
            Send(call, channel, new ProviderRequest("increment", [Name(call, args[0]), args[1].AsString()], Number: args[2].AsU64()),
                r => WitValue.U64(r.Number)));

    private static string Name(HostCall call, WitValue handle) => call.Resources.Get<Bucket>(BucketType, handle).Name;

    private static WitValue Send(HostCall call, IProviderChannel channel, ProviderRequest request, Func<ProviderResult, WitValue?> ok)
    {
        var result = channel.Send(call, request);
        return result.Error is { } error ? Error(error) : WitValue.Ok(ok(result));
    }

    private static WitValue Error(string text) => WitValue.Err(WitValue.Variant("other", WitValue.String(text)));
}
