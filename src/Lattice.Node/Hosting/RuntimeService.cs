// Starts the lattice runtime on the actor system Akka.Hosting created, then announces the host
// with one line on stdout once it is an Up member and the admin API listens. The runtime warms the
// journal before it joins, so this service does not wait for membership first.
using Lattice.Providers;
using Akka.Actor;
using Akka.Cluster;
using Lattice.Actors;
using Lattice.Node.Admin;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lattice.Node.Hosting;

internal sealed class RuntimeService(IServiceProvider services, LatticeNode node, IHostApplicationLifetime lifetime, ILogger<RuntimeService> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var system = services.GetRequiredService<ActorSystem>();
        // A host whose actor system ended (it left the cluster, or was downed) has nothing left to serve.
        _ = system.WhenTerminated.ContinueWith(_ =>
        {
            var reason = CoordinatedShutdown.Get(system).ShutdownReason;
            if (reason is CoordinatedShutdown.ClusterDowningReason) log.LogError("this host was downed by the cluster; it stops");
            node.Terminated(reason);
            lifetime.StopApplication();
        }, TaskScheduler.Default);
        system.ActorOf(Props.Create(() => new AdminPeer(node)), AdminPeer.Name);

        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Cluster.Get(system).RegisterOnMemberUp(() => up.TrySetResult());
        try
        {
            node.Started(await LatticeRuntime.StartAsync(system, node.Settings.Options, BuiltInProviders.Catalog, stoppingToken));
            await up.Task.WaitAsync(stoppingToken);
            await WhenStarted(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            node.Failed(e);
            log.LogCritical("cannot start the lattice runtime: {Message}", e.Message);
            lifetime.StopApplication();
            return;
        }
        var identity = node.Identity;
        Console.Out.WriteLine($"host {identity.HostId} up: {Cluster.Get(system).SelfAddress}, admin API {node.Settings.AdminUrl}");
        Console.Out.Flush();
    }

    /// <summary>Completes when every hosted service (Kestrel included) has started.</summary>
    private Task WhenStarted(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(cancellationToken);
    }
}
