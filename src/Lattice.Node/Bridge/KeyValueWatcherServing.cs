// Serves a component's `wasi:keyvalue/watcher@0.2.0-draft` export over wRPC as wasmCloud 1.x does
// (protocol spec §1.7, §1.9): as `wrpc:keyvalue/watcher@0.2.0-draft`
//   on-set(bucket: string, key: string, value: list<u8>)   on-delete(bucket: string, key: string)
// with no results. The component's functions borrow a wasi:keyvalue/store bucket; on the wire the
// bucket is its name, the identifier a component passes to `open`. The lattice call passes that name
// as the handle argument's JSON, and the instance makes the bucket from it in its own store
// (HostResourceType.FromName, which the keyvalue provider's bucket has).
using Lattice.Actors;
using Lattice.Node.Bridge.Wrpc;
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Node.Bridge;

internal static class KeyValueWatcherServing
{
    public const string Interface = "wasi:keyvalue/watcher@0.2.0-draft";
    private const string WireInterface = "wrpc:keyvalue/watcher@0.2.0-draft";
    private static readonly ListType Bytes = new(WitType.U8);

    /// <summary>The wrpc:keyvalue/watcher functions for <paramref name="watcher"/>'s on-set and on-delete (each if it has the WIT shape).</summary>
    public static IEnumerable<WrpcExport> Exports(ILatticeCalls lattice, string componentId, WorldInterface watcher)
    {
        if (watcher.Function("on-set") is { Type.Params: [{ Type: HandleType }, { Type.Kind: WitKind.String }, { Type: ListType { Element.Kind: WitKind.U8 } }] })
            yield return new WrpcExport(new WrpcFunction(WireInterface, "on-set", [WitType.String, WitType.String, Bytes], []),
                (call, ct) => CallAsync(lattice, componentId, "on-set", call.Params, ct));
        if (watcher.Function("on-delete") is { Type.Params: [{ Type: HandleType }, { Type.Kind: WitKind.String }] })
            yield return new WrpcExport(new WrpcFunction(WireInterface, "on-delete", [WitType.String, WitType.String], []),
                (call, ct) => CallAsync(lattice, componentId, "on-delete", call.Params, ct));
    }

    private static async ValueTask<IReadOnlyList<WitValue>> CallAsync(ILatticeCalls lattice, string componentId, string function,
        IReadOnlyList<WitValue> wire, CancellationToken cancellationToken)
    {
        string[] args = [WitJson.ToJson(wire[0], WitType.String), WitJson.ToJson(wire[1], WitType.String), .. wire.Count > 2 ? [WitJson.ToJson(wire[2], Bytes)] : Array.Empty<string>()];
        try { await lattice.CallJsonAsync(componentId, $"{Interface}#{function}", args, cancellationToken: cancellationToken).ConfigureAwait(false); }
        catch (LatticeCallException e) { throw new WrpcCallFailedException($"{e.Kind}: {e.Message}"); }
        return [];
    }
}
