// NATS headers on wRPC invocations (protocol spec §1.3). wasmCloud's host sends `source-id` (the
// calling component), `link-name` and W3C trace context; providers add `target-id`. All optional.
//
// `wrpc-error` is ours: the empty end-of-stream message with which our side stops a results or async
// value stream early may carry a one-line reason. Peers that do not know it (the Rust transport reads
// only payloads there) just see the stream end, which is what the protocol says a failure looks like.
using System.Text;
using NATS.Client.Core;

namespace Lattice.Node.Bridge.Wrpc;

public static class WrpcHeaders
{
    public const string SourceId = "source-id";
    public const string TargetId = "target-id";
    public const string LinkName = "link-name";
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";
    public const string Error = "wrpc-error";

    private const int MaxErrorLength = 1024;

    /// <summary>The headers a wasmCloud host puts on a call it makes for a component (nulls are left out).</summary>
    public static NatsHeaders Create(string? sourceId = null, string? linkName = null, string? traceParent = null)
    {
        var headers = new NatsHeaders();
        if (sourceId is not null) headers[SourceId] = sourceId;
        if (linkName is not null) headers[LinkName] = linkName;
        if (traceParent is not null) headers[TraceParent] = traceParent;
        return headers;
    }

    internal static string? Get(NatsHeaders? headers, string name) =>
        headers is not null && headers.TryGetLastValue(name, out var value) ? value : null;

    /// <summary>The bytes the headers add to a message, counted as the Rust transport counts them.</summary>
    internal static int WireLength(NatsHeaders? headers)
    {
        if (headers is null) return 0;
        var length = "NATS/1.0\r\n".Length + "\r\n".Length;
        foreach (var (key, values) in headers)
            foreach (var value in values)
                length += Encoding.UTF8.GetByteCount(key) + 2 + Encoding.UTF8.GetByteCount(value ?? "") + 2;
        return length;
    }

    internal static NatsHeaders ErrorHeaders(string reason)
    {
        var line = new StringBuilder(Math.Min(reason.Length, MaxErrorLength));
        foreach (var c in reason)
        {
            if (line.Length == MaxErrorLength) break;
            line.Append(char.IsControl(c) ? ' ' : c);
        }
        return new NatsHeaders { [Error] = line.ToString() };
    }
}
