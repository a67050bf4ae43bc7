// wasi:keyvalue/{store,atomics,batch} requests to a wasmCloud key-value provider (keyvalue-redis,
// keyvalue-nats...). wasmCloud's host does not send the WASI resource API: the bucket resource is
// the identifier the component opened, passed as a string to the flattened wire interface
// `wrpc:keyvalue/{store,atomics,batch}@0.2.0-draft` (protocol spec §1.7, §1.9). The wire `error`
// variant becomes our error result: no-such-store keeps its case, access-denied and other(text) are
// the text the component reads in `other`.
//
// Requests arrive as KeyValueProvider's binding makes them: Args [bucket, key...], Payload a value
// (or KeyValueFrames for set-many), Number a delta or list-keys cursor (0 = the start).
using Lattice.Actors;
using Lattice.Actors.Providers;
using Lattice.Node.Bridge.Wrpc;
using Lattice.Providers.KeyValue;
using Lattice.Wit;

namespace Lattice.Node.Bridge.Providers;

internal static class WrpcKeyValue
{
    public const string Version = "0.2.0-draft";
    public const string Store = "wrpc:keyvalue/store@" + Version;
    public const string Atomics = "wrpc:keyvalue/atomics@" + Version;
    public const string Batch = "wrpc:keyvalue/batch@" + Version;

    private static readonly WitType Bytes = new ListType(WitType.U8);
    private static readonly WitType Strings = new ListType(WitType.String);
    private static readonly WitType KeyValue = new TupleType([WitType.String, Bytes]);
    private static readonly WitType Error = new VariantType([new("no-such-store", null), new("access-denied", null), new("other", WitType.String)]);
    private static readonly WitType KeyResponse = new RecordType([new("keys", Strings), new("cursor", new OptionType(WitType.U64))]);

    /// <summary>The wire call for <paramref name="request"/> made through wasi:keyvalue's <paramref name="iface"/> (store, atomics or batch).</summary>
    public static WireCall Translate(string iface, ProviderRequest request)
    {
        if (request.Args is not [{ Length: > 0 } bucket, .. var rest])
            throw new ExternalCallException($"key-value {request.Operation}: the request names no bucket");
        var b = WitValue.String(bucket);
        return (iface, request.Operation, rest) switch
        {
            ("store", "get", [var key]) => Call(Store, "get", [WitType.String, WitType.String], [b, WitValue.String(key)], new OptionType(Bytes),
                v => v is WitOption { Value: { } value } ? new ProviderResult(Payload: value.AsBytes().ToArray(), Found: true) : new ProviderResult()),
            ("store", "set", [var key]) => Call(Store, "set", [WitType.String, WitType.String, Bytes],
                [b, WitValue.String(key), WitValue.Bytes(request.Payload ?? [])], null, _ => ProviderResult.Done),
            ("store", "delete", [var key]) => Call(Store, "delete", [WitType.String, WitType.String], [b, WitValue.String(key)], null, _ => ProviderResult.Done),
            ("store", "exists", [var key]) => Call(Store, "exists", [WitType.String, WitType.String], [b, WitValue.String(key)], WitType.Bool,
                v => new ProviderResult(Found: v!.AsBool())),
            ("store", "list-keys", []) => Call(Store, "list-keys", [WitType.String, new OptionType(WitType.U64)],
                [b, request.Number == 0 ? WitValue.None : WitValue.Some(WitValue.U64(request.Number))], KeyResponse, ListKeys),
            ("atomics", "increment", [var key]) => Call(Atomics, "increment", [WitType.String, WitType.String, WitType.U64],
                [b, WitValue.String(key), WitValue.U64(request.Number)], WitType.U64, v => new ProviderResult(Number: v!.AsU64())),
            ("batch", "get-many", var keys) => Call(Batch, "get-many", [WitType.String, Strings], [b, StringList(keys)],
                new ListType(new OptionType(KeyValue)), v => GetMany(v!, keys)),
            ("batch", "set-many", var keys) => Call(Batch, "set-many", [WitType.String, new ListType(KeyValue)], [b, Pairs(keys, request.Payload)], null,
                _ => ProviderResult.Done),
            ("batch", "delete-many", var keys) => Call(Batch, "delete-many", [WitType.String, Strings], [b, StringList(keys)], null, _ => ProviderResult.Done),
            _ => throw new ExternalCallException($"wasi:keyvalue/{iface} has no operation '{request.Operation}' with {rest.Length} key(s)"),
        };
    }

    /// <summary>A function whose result is <c>result&lt;ok, error&gt;</c>: ok goes to <paramref name="ok"/>, err becomes an error result.</summary>
    private static WireCall Call(string instance, string name, IReadOnlyList<WitType> parameters, IReadOnlyList<WitValue> args, WitType? okType,
        Func<WitValue?, ProviderResult> ok) =>
        new(new WrpcFunction(instance, name, parameters, [new ResultType(okType, Error)]), args,
            result => result is WitResult { IsOk: true } r ? ok(r.Payload) : Failure(instance, name, ((WitResult)result).Payload));

    private static ProviderResult Failure(string instance, string name, WitValue? error) => error switch
    {
        WitVariant { Case: "no-such-store" } => KeyValueErrors.NoSuchStore($"{instance}.{name}: no such store"),
        WitVariant { Case: "access-denied" } => ProviderResult.Fail($"{instance}.{name}: access denied"),
        WitVariant { Case: "other", Payload: { } text } => ProviderResult.Fail(text.AsString()),
        _ => ProviderResult.Fail($"{instance}.{name} failed"),
    };

    private static ProviderResult ListKeys(WitValue? value)
    {
        var response = (WitRecord)value!;
        // Our binding reads cursor 0 as "from the start"; a provider's some(0) is Redis SCAN's "done", so it ends the listing.
        var cursor = response["cursor"] is WitOption { Value: { } c } && c.AsU64() != 0 ? c.AsU64() : (ulong?)null;
        return new ProviderResult(Items: [.. Items(response["keys"]).Select(k => k.AsString())], Number: cursor ?? 0, Found: cursor is not null);
    }

    /// <summary>One value per asked key, in order, framed as our backends frame them.</summary>
    private static ProviderResult GetMany(WitValue value, string[] keys)
    {
        var entries = Items(value);
        if (entries.Count != keys.Length)
            throw new ExternalCallException($"the provider's get-many answered {entries.Count} entries for {keys.Length} keys");
        var values = new byte[]?[keys.Length];
        for (var i = 0; i < keys.Length; i++)
            values[i] = entries[i] is WitOption { Value: WitTuple { Items: [_, var bytes] } } ? bytes.AsBytes().ToArray() : null;
        return new ProviderResult(Payload: KeyValueFrames.Pack(values));
    }

    private static WitValue StringList(string[] keys) => WitValue.List([.. keys.Select(WitValue.String)]);

    private static WitValue Pairs(string[] keys, byte[]? payload)
    {
        byte[]?[] values;
        try { values = KeyValueFrames.Unpack(payload ?? [], keys.Length); }
        catch (KeyValueException e) { throw new ExternalCallException(e.Message); }
        return WitValue.List([.. keys.Select((k, i) => WitValue.Tuple(WitValue.String(k),
            WitValue.Bytes(values[i] ?? throw new ExternalCallException($"set-many: no value for '{k}'"))))]);
    }

    /// <summary>A decoded list (an empty one may come back as bytes).</summary>
    private static IReadOnlyList<WitValue> Items(WitValue list) => list switch
    {
        WitList l => l.Items,
        WitBytes { Value.Length: 0 } => [],
        _ => throw new ExternalCallException($"expected a list from the provider, got {list.Kind.ToString().ToLowerInvariant()}"),
    };
}
