using Lattice.Wit.Wrpc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lattice.Node.Bridge.Wrpc;

public sealed record WrpcServerOptions
{
    /// <summary>
    /// How long the server waits for each further message of a client (params after the first message,
    /// async param data) before it gives up on the invocation.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Value codec settings (limits, byte-stream handles).</summary>
    public WrpcOptions Codec { get; init; } = WrpcOptions.Default;

    /// <summary>The most bytes one invocation keeps received but unread (params and their async values).</summary>
    public long MaxBufferedBytes { get; init; } = 128L * 1024 * 1024;

    public ILogger Logger { get; init; } = NullLogger.Instance;
}
