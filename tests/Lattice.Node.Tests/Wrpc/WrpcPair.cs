using Lattice.Node.Bridge.Wrpc;
using NATS.Client.Core;

namespace Lattice.Node.Tests.Wrpc;

/// <summary>Our server and our client, each on its own NATS connection, serving <c>exports</c> under one prefix.</summary>
internal sealed class WrpcPair : IAsyncDisposable
{
    private WrpcPair(NatsConnection serverNats, NatsConnection clientNats, WrpcServer server, WrpcServing serving, WrpcClient client, string prefix)
    {
        ServerNats = serverNats;
        ClientNats = clientNats;
        Server = server;
        Serving = serving;
        Client = client;
        Prefix = prefix;
    }

    public NatsConnection ServerNats { get; }
    public NatsConnection ClientNats { get; }
    public WrpcServer Server { get; }
    public WrpcServing Serving { get; }
    public WrpcClient Client { get; }
    public string Prefix { get; }

    public static async Task<WrpcPair> StartAsync(NatsTestServer nats, IEnumerable<WrpcExport> exports, WrpcServerOptions? serverOptions = null,
        WrpcClientOptions? clientOptions = null, string? prefix = null)
    {
        prefix ??= WrpcSubjects.Prefix("default", "c" + Guid.NewGuid().ToString("n")[..8]);
        var serverNats = await nats.ConnectAsync("wrpc-server");
        var clientNats = await nats.ConnectAsync("wrpc-client");
        var server = new WrpcServer(serverNats, serverOptions);
        var serving = await server.ServeAsync(prefix, exports, queueGroup: prefix);
        var client = new WrpcClient(clientNats, clientOptions);
        return new WrpcPair(serverNats, clientNats, server, serving, client, prefix);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
        await ClientNats.DisposeAsync();
        await ServerNats.DisposeAsync();
    }
}
