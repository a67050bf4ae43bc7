using Lattice.Wit.Wrpc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lattice.Node.Bridge.Wrpc;

public sealed record WrpcClientOptions
{
    /// <summary>
    /// How long a call waits for the handshake and then for its results (not for async result data,
    /// see <see cref="IdleTimeout"/>). wasmCloud 1.x hosts and providers use 10 s.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a read of a pending result stream or future waits for its next message.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Value codec settings (limits, byte-stream handles).</summary>
    public WrpcOptions Codec { get; init; } = WrpcOptions.Default;

    /// <summary>The most bytes one call keeps received but unread (results and their async values).</summary>
    public long MaxBufferedBytes { get; init; } = 128L * 1024 * 1024;

    public ILogger Logger { get; init; } = NullLogger.Instance;
}
