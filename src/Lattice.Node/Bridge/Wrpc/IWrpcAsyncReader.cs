using Lattice.Wit;
using Lattice.Wit.Wrpc;

namespace Lattice.Node.Bridge.Wrpc;

/// <summary>
/// Reads the data of futures and streams that arrived pending (inline <c>00</c>) in a call's params
/// (server side) or results (client side). Each pending value can be read once. Ready values (sent
/// inline) are returned as they are, so a caller need not tell the two apart.
/// </summary>
public interface IWrpcAsyncReader
{
    /// <summary>The stream's chunks: each a <see cref="WitList"/>, or <see cref="WitBytes"/> for <c>stream&lt;u8&gt;</c>.</summary>
    IAsyncEnumerable<WitValue> ReadStreamAsync(WrpcStream stream, CancellationToken cancellationToken = default);

    /// <summary>A <c>stream&lt;u8&gt;</c> as a read-only <see cref="Stream"/> (an HTTP body, say).</summary>
    Stream OpenByteStream(WrpcStream stream);

    /// <summary>The future's value once it arrives (null for a <c>future</c> without a type).</summary>
    Task<WitValue?> ReadFutureAsync(WrpcFuture future, CancellationToken cancellationToken = default);
}
