// The wire interface wasmCloud's blobstore providers serve (protocol spec §1.9; upstream WIT
// `crates/provider-blobstore-fs/wit/deps/blobstore-wrpc/blobstore.wit`): `wrpc:blobstore/blobstore@0.2.0`,
// a flat interface where a container is its name and an object is `object-id { container, object }`.
// Every function answers `result<_, string>`-like values; the string is the provider's error text.
//
// A wasmCloud 1.x host falls back to `@0.1.0` when nothing serves 0.2.0 (NATS 503 = NotFound,
// upstream `crates/runtime/src/component/blobstore.rs` invoke_with_fallback), and so do we, call by
// call. The two versions differ only in the three functions that move data: 0.2.0 pairs each result
// stream with a `future<result<_, string>>` that reports failures after the stream started, and
// answers write-container-data with such a future; 0.1.0 has neither. Params are the same, so a
// caller builds them per attempt (a pending stream can be sent only once).
using Lattice.Actors;
using Lattice.Node.Bridge.Wrpc;
using Lattice.Wit;
using Lattice.Wit.Wrpc;

namespace Lattice.Node.Bridge.Providers;

internal sealed class BlobWire
{
    public const string Current = "wrpc:blobstore/blobstore@0.2.0";
    public const string Previous = "wrpc:blobstore/blobstore@0.1.0";

    private static readonly WitType Text = WitType.String;
    private static readonly WitType ObjectId = new RecordType([new("container", Text), new("object", Text)]);
    private static readonly WitType ContainerMetadata = new RecordType([new("created-at", WitType.U64)]);
    private static readonly WitType ObjectMetadata = new RecordType([new("created-at", WitType.U64), new("size", WitType.U64)]);
    private static readonly WitType Status = new AsyncValueType(WitKind.Future, new ResultType(null, Text));
    private static readonly WitType Names = new AsyncValueType(WitKind.Stream, Text);
    private static readonly WitType Data = new AsyncValueType(WitKind.Stream, WitType.U8);

    private static readonly Dictionary<string, (WitType[] Params, WitType? Ok, WitType? OkBefore)> Functions = new()
    {
        ["clear-container"] = ([Text], null, null),
        ["container-exists"] = ([Text], WitType.Bool, WitType.Bool),
        ["create-container"] = ([Text], null, null),
        ["delete-container"] = ([Text], null, null),
        ["get-container-info"] = ([Text], ContainerMetadata, ContainerMetadata),
        ["list-container-objects"] = ([Text, new OptionType(WitType.U64), new OptionType(WitType.U64)], new TupleType([Names, Status]), Names),
        ["copy-object"] = ([ObjectId, ObjectId], null, null),
        ["delete-object"] = ([ObjectId], null, null),
        ["delete-objects"] = ([Text, new ListType(Text)], null, null),
        ["get-container-data"] = ([ObjectId, WitType.U64, WitType.U64], new TupleType([Data, Status]), Data),
        ["get-object-info"] = ([ObjectId], ObjectMetadata, ObjectMetadata),
        ["has-object"] = ([ObjectId], WitType.Bool, WitType.Bool),
        ["move-object"] = ([ObjectId, ObjectId], null, null),
        ["write-container-data"] = ([ObjectId, Data], Status, null),
    };

    private readonly WrpcClient _client;
    private readonly string _prefix;
    private readonly ExternalProviderCall _call;

    public BlobWire(WrpcClient client, string lattice, ExternalProviderCall call)
    {
        _client = client;
        _call = call;
        try { _prefix = WrpcSubjects.Prefix(lattice, call.Target); }
        catch (ArgumentException e) { throw new ExternalCallException(e.Message); }
    }

    /// <summary>The provider the calls go to.</summary>
    public string Target => _call.Target;

    public static WitValue Id(string container, string obj) =>
        WitValue.Record(("container", WitValue.String(container)), ("object", WitValue.String(obj)));

    /// <summary>
    /// Calls <paramref name="name"/> at 0.2.0, or at 0.1.0 when nothing serves 0.2.0; <c>Current</c> says which
    /// answered (and so the shape of the result). The caller disposes the invocation.
    /// </summary>
    public async Task<(WrpcInvocation Invocation, bool Current)> CallAsync(string name, Func<IReadOnlyList<WitValue>> args, CancellationToken cancellationToken)
    {
        try { return (await InvokeAsync(Function(Current, name), args(), cancellationToken).ConfigureAwait(false), true); }
        catch (WrpcNotFoundException) { /* an older provider: try the interface wasmCloud falls back to */ }
        try { return (await InvokeAsync(Function(Previous, name), args(), cancellationToken).ConfigureAwait(false), false); }
        catch (WrpcNotFoundException)
        {
            throw new ExternalCallException($"nothing on the NATS lattice serves {Current}.{name} (nor @0.1.0) for '{_call.Target}'");
        }
    }

    /// <summary>A call whose answer has no stream or future: the ok value, or the provider's error text.</summary>
    public async Task<(WitValue? Ok, string? Error)> AskAsync(string name, IReadOnlyList<WitValue> args, CancellationToken cancellationToken)
    {
        var (invocation, _) = await CallAsync(name, () => args, cancellationToken).ConfigureAwait(false);
        await using (invocation.ConfigureAwait(false))
        {
            return Outcome(invocation.Results[0]);
        }
    }

    /// <summary>A <c>result&lt;T, string&gt;</c>: its ok payload, or its error text.</summary>
    public static (WitValue? Ok, string? Error) Outcome(WitValue result) => result is WitResult { IsOk: true } ok
        ? (ok.Payload, null)
        : (null, ((WitResult)result).Payload?.AsString() ?? "the blobstore provider failed");

    /// <summary>The status future's error text, or null when it reports success.</summary>
    public async Task<string?> StatusAsync(WrpcInvocation invocation, WrpcFuture status, CancellationToken cancellationToken)
    {
        var value = await invocation.ReadFutureAsync(status, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("the status future carries no result");
        return Outcome(value).Error;
    }

    private Task<WrpcInvocation> InvokeAsync(WrpcFunction function, IReadOnlyList<WitValue> args, CancellationToken cancellationToken) =>
        _client.CallAsync(_prefix, function, args, WrpcHeaders.Create(sourceId: _call.SourceId, linkName: _call.LinkName), cancellationToken);

    private static WrpcFunction Function(string instance, string name)
    {
        var (parameters, ok, okBefore) = Functions[name];
        return new WrpcFunction(instance, name, parameters, [new ResultType(instance == Current ? ok : okBefore, Text)]);
    }
}
