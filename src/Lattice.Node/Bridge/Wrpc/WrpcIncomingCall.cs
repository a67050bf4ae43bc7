// One invocation on the serving side, as a handler sees it: the function, the decoded params, the
// NATS headers of the first message (wasmCloud puts the caller in `source-id`), and the reading of
// pending params (an HTTP request body arrives on `Rs.params.0.0` while the handler runs).
using Lattice.Wit;
using Lattice.Wit.Wrpc;
using NATS.Client.Core;

namespace Lattice.Node.Bridge.Wrpc;

public sealed class WrpcIncomingCall : IWrpcAsyncReader
{
    private readonly WrpcAsyncReceiver _receiver;

    internal WrpcIncomingCall(WrpcFunction function, string subject, WitValue[] parameters, NatsHeaders? headers, WrpcAsyncReceiver receiver)
    {
        Function = function;
        Subject = subject;
        Params = parameters;
        Headers = headers;
        _receiver = receiver;
    }

    public WrpcFunction Function { get; }

    /// <summary>The invocation subject the call came in on.</summary>
    public string Subject { get; }

    public WitValue[] Params { get; }

    public NatsHeaders? Headers { get; }

    /// <summary>The calling component or provider (<c>source-id</c>), when the caller said.</summary>
    public string? SourceId => WrpcHeaders.Get(Headers, WrpcHeaders.SourceId);

    /// <summary>The link the caller used (<c>link-name</c>), when the caller said.</summary>
    public string? LinkName => WrpcHeaders.Get(Headers, WrpcHeaders.LinkName);

    /// <summary>W3C trace context of the caller (<c>traceparent</c>), when present.</summary>
    public string? TraceParent => WrpcHeaders.Get(Headers, WrpcHeaders.TraceParent);

    public IAsyncEnumerable<WitValue> ReadStreamAsync(WrpcStream stream, CancellationToken cancellationToken = default) =>
        _receiver.ReadStreamAsync(stream, cancellationToken);

    public Stream OpenByteStream(WrpcStream stream) => _receiver.OpenByteStream(stream);

    public Task<WitValue?> ReadFutureAsync(WrpcFuture future, CancellationToken cancellationToken = default) =>
        _receiver.ReadFutureAsync(future, cancellationToken);
}
