// wasi:keyvalue@0.2.0-draft (store, atomics, batch) as lattice providers, one kind per backend:
// `keyvalue` (the lattice database: SQLite or PostgreSQL), `keyvalue-redis`, `keyvalue-nats`.
//
// In the calling instance: `open` hands out a `bucket` resource that only remembers its name (the
// resource lives in the caller's store); every data operation is a ProviderRequest to the provider
// the component's link names, which may run on another host and be of any of the three kinds. So
// the binding is one and the same for every kind; only Open (the backend) differs. Failures come
// back as the interface's own `error` variant (`no-such-store`, or `other(text)`), never as a trap.
using Lattice.Actors.Providers;
using Lattice.Model;
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Providers.KeyValue;

public sealed class KeyValueProvider : ICapabilityProvider
{
    /// <summary>The lattice database (SQLite file or PostgreSQL); data is per provider id.</summary>
    public static KeyValueProvider Sql { get; } = new("keyvalue", c => new SqlKeyValueStore(c));

    /// <summary>Redis: `URL` from the link's target config or the provider's config.</summary>
    public static KeyValueProvider Redis { get; } = new("keyvalue-redis", c => new RedisKeyValueStore(c));

    /// <summary>NATS JetStream KV: `cluster_uri`, `js_domain`, `bucket`, `enable_bucket_auto_create`.</summary>
    public static KeyValueProvider Nats { get; } = new("keyvalue-nats", c => new NatsKeyValueStore(c));

    /// <summary>The `bucket` resource: the object behind a handle is the bucket's name, so a caller
    /// may name one (wasi:keyvalue/watcher's on-set gets the bucket as its name over wRPC).</summary>
    public static readonly HostResourceType BucketType = new("bucket") {
        FromName = name => name.Length > 0 ? new Bucket(name) : throw new ArgumentException("a bucket needs a name"),
    };

    private sealed record Bucket(string Name);

    private readonly Func<ProviderContext, IProviderBackend> _open;

    private KeyValueProvider(string kind, Func<ProviderContext, IProviderBackend> open)
    {
        Kind = kind;
        _open = open;
    }

    public string Kind { get; }

    public IReadOnlyList<string> Interfaces { get; } = ["wasi:keyvalue/store", "wasi:keyvalue/atomics", "wasi:keyvalue/batch"];

    public IProviderBackend Open(ProviderContext context) => _open(context);

    public void Bind(LinkerInstance target, WitInterfaceName iface, IProviderChannel channel)
    {
        switch (iface.Interface)
        {
            case "store": BindStore(target, channel); break;
            case "atomics": BindAtomics(target, channel); break;
            case "batch": BindBatch(target, channel); break;
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

    private static void BindBatch(LinkerInstance batch, IProviderChannel channel)
    {
        // get-many: result<list<option<tuple<string, list<u8>>>>, error>, one entry per asked key, in order.
        batch.Func("get-many", (call, args) =>
        {
            var keys = Strings(args[1]);
            return Send(call, channel, new ProviderRequest("get-many", [Name(call, args[0]), .. keys]), r =>
            {
                var values = KeyValueFrames.Unpack(r.Payload ?? [], keys.Length);
                return WitValue.List(keys.Select((key, i) => values[i] is { } v
                    ? WitValue.Some(WitValue.Tuple(WitValue.String(key), WitValue.Bytes(v)))
                    : WitValue.None).ToList());
            });
        });
        batch.Func("set-many", (call, args) =>
        {
            var pairs = Items(args[1]).Select(p => p is WitTuple { Items: [var k, var v] }
                ? (Key: k.AsString(), Value: v.AsBytes().ToArray())
                : throw new InvalidOperationException("set-many expects (key, value) tuples")).ToList();
            return Send(call, channel, new ProviderRequest("set-many", [Name(call, args[0]), .. pairs.Select(p => p.Key)],
                KeyValueFrames.Pack(pairs.Select(p => (byte[]?)p.Value).ToList())), _ => null);
        });
        batch.Func("delete-many", (call, args) =>
            Send(call, channel, new ProviderRequest("delete-many", [Name(call, args[0]), .. Strings(args[1])]), _ => null));
    }

    private static IReadOnlyList<WitValue> Items(WitValue list) => list switch
    {
        WitList l => l.Items,
        WitBytes { Value.Length: 0 } => [],
        _ => throw new InvalidOperationException($"expected a list, got {list.Kind.ToString().ToLowerInvariant()}"),
    };

    private static string[] Strings(WitValue list) => [.. Items(list).Select(v => v.AsString())];

    private static string Name(HostCall call, WitValue handle) => call.Resources.Get<Bucket>(BucketType, handle).Name;

    private static WitValue Send(HostCall call, IProviderChannel channel, ProviderRequest request, Func<ProviderResult, WitValue?> ok)
    {
        var result = channel.Send(call, request);
        if (result.Error is not { } error) return WitValue.Ok(ok(result));
        return KeyValueErrors.IsNoSuchStore(result) ? WitValue.Err(WitValue.Variant("no-such-store")) : Error(error);
    }

    private static WitValue Error(string text) => WitValue.Err(WitValue.Variant("other", WitValue.String(text)));
}
