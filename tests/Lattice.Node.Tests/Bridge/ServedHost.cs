using Lattice.Node.Bridge.Wrpc;
using NATS.Client.Core;

namespace Lattice.Node.Tests.Bridge;

/// <summary>
/// A nats-server (with the max_payload a spec needs) and one `lattice up --nats` host, which the
/// subclass sets up with the components and links its spec calls over wRPC, and a WrpcClient on that
/// server. Nothing is started when nats-server is missing: the specs skip (<see cref="Require"/>).
/// </summary>
public abstract class ServedHost : IDisposable
{
    private readonly string _root;
    private readonly HostProcess? _host;
    private readonly NatsConnection? _connection;
    private readonly WrpcClient? _client;

    private protected ServedHost(string name, Action<HostProcess> setup, int maxPayload = NatsTestServer.DefaultMaxPayload)
    {
        _root = Directory.CreateTempSubdirectory($"lattice-{name}-").FullName;
        if (NatsTestServer.Binary is null) return;
        try
        {
            Nats = new NatsTestServer(maxPayload);
            var database = $"Data Source={Path.Combine(_root, "lattice.db")};Default Timeout=30;Pooling=True";
            _host = HostProcess.Start(name, Path.Combine(_root, "host"), database, ["--nats", Nats.Url]);
            _host.WaitUpAsync().GetAwaiter().GetResult();
            setup(_host);
            _connection = Nats.ConnectAsync($"{name}-client").GetAwaiter().GetResult();
            _client = new WrpcClient(_connection, new WrpcClientOptions { Timeout = TimeSpan.FromSeconds(30) });
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    internal NatsTestServer? Nats { get; }

    internal HostProcess Host => _host ?? throw new InvalidOperationException("no host: nats-server is missing");

    /// <summary>A wRPC client on the spec's nats-server (30 s timeout).</summary>
    internal WrpcClient Client => _client ?? throw new InvalidOperationException("no client: nats-server is missing");

    public NatsTestServer Require()
    {
        NatsTestServer.SkipUnlessInstalled();
        return Nats!;
    }

    /// <summary>
    /// Runs <paramref name="call"/> until the bridge serves the component: about a second after a start
    /// NATS answers "no responders" (and, with <paramref name="untilAnswered"/>, the lattice may still be
    /// starting its instance). Gives up after 60 s.
    /// </summary>
    internal static async Task<T> UntilServedAsync<T>(Func<Task<T>> call, bool untilAnswered = false)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try { return await call(); }
            catch (WrpcException e) when ((untilAnswered || e is WrpcNotFoundException) && DateTime.UtcNow < deadline) { await Task.Delay(200); }
        }
    }

    public void Dispose()
    {
        _client?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _connection?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _host?.Dispose();
        Nats?.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}
