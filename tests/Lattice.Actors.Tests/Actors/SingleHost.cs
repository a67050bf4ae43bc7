using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster;
using Lattice.Actors;

namespace Lattice.Tests.Actors;

/// <summary>One real host in this process: a one-member cluster on a free loopback port, SQLite in a temp dir.</summary>
internal sealed class SingleHost : IAsyncDisposable
{
    private SingleHost(ActorSystem system, LatticeRuntime runtime, LatticeHostOptions options)
    {
        System = system;
        Runtime = runtime;
        Options = options;
    }

    public ActorSystem System { get; }
    public LatticeRuntime Runtime { get; }
    public LatticeHostOptions Options { get; }
    public LatticeClient Client => Runtime.Client;

    public static LatticeHostOptions NewOptions(string? dataDirectory = null) => new()
    {
        Lattice = "spec",
        DataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("lattice-host-").FullName,
        Port = FreePort(),
        CallTimeout = TimeSpan.FromSeconds(10),
    };

    public static async Task<SingleHost> StartAsync(LatticeHostOptions? options = null, Lattice.Actors.Providers.ProviderCatalog? providers = null)
    {
        options ??= NewOptions();
        var system = ActorSystem.Create(options.Lattice, LatticeConfig.Build(options));
        var up = new TaskCompletionSource();
        Cluster.Get(system).RegisterOnMemberUp(() => up.TrySetResult());
        var runtime = await LatticeRuntime.StartAsync(system, options, providers ?? Lattice.Actors.Providers.ProviderCatalog.Empty);
        await up.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return new SingleHost(system, runtime, options);
    }

    /// <summary>Retries a call while the new desired state propagates to this host (bounded).</summary>
    public async Task<string> CallWhenReadyAsync(string component, string function, params string[] args)
    {
        for (var attempt = 0; ; attempt++)
        {
            try { return await Client.CallJsonAsync(component, function, args); }
            catch (LatticeCallException e) when (e.Kind == CallFailureKind.NotFound && attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance);
        Runtime.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
