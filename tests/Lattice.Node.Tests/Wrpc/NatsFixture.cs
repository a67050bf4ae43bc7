namespace Lattice.Node.Tests.Wrpc;

/// <summary>One nats-server per test class (null when it is not installed; each spec then skips).</summary>
public sealed class NatsFixture : IDisposable
{
    public NatsFixture() => Server = NatsTestServer.Binary is null ? null : new NatsTestServer();

    public NatsTestServer? Server { get; }

    /// <summary>The server, or a skip when nats-server is not installed.</summary>
    public NatsTestServer Require()
    {
        NatsTestServer.SkipUnlessInstalled();
        return Server!;
    }

    public void Dispose() => Server?.Dispose();
}
