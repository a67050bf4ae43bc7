// This process's host, as the admin API and the peer actor see it: its identity, its actor system
// and, once it has joined, its lattice runtime.
using Akka.Actor;
using Lattice.Actors;

namespace Lattice.Node.Hosting;

/// <summary>The host has not (yet) joined the lattice: the admin API answers 503.</summary>
internal sealed class HostNotReadyException(string message) : Exception(message);

internal sealed class LatticeNode(HostSettings settings, HostIdentity identity)
{
    /// <summary>How long a request waits for a host that is still joining before it is told so.</summary>
    private static readonly TimeSpan ReadyWait = TimeSpan.FromSeconds(20);

    private readonly TaskCompletionSource<LatticeRuntime> _runtime = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HostSettings Settings { get; } = settings;

    public HostIdentity Identity { get; } = identity;

    /// <summary>The runtime once started; null while the host is joining (or if it failed to start).</summary>
    public LatticeRuntime? Runtime => _runtime.Task.IsCompletedSuccessfully ? _runtime.Task.Result : null;

    /// <summary>
    /// What the process returns: 0 after a stop or a leave (asked for), 1 when the host could not
    /// start or the cluster downed it (a supervisor should restart it).
    /// </summary>
    public int ExitCode { get; private set; }

    public void Started(LatticeRuntime runtime) => _runtime.TrySetResult(runtime);

    public void Failed(Exception error)
    {
        ExitCode = 1;
        _runtime.TrySetException(error);
    }

    public void Terminated(CoordinatedShutdown.Reason? reason)
    {
        if (reason is CoordinatedShutdown.ClusterDowningReason) ExitCode = 1;
    }

    public async Task<LatticeRuntime> RuntimeAsync(CancellationToken cancellationToken)
    {
        try { return await _runtime.Task.WaitAsync(ReadyWait, cancellationToken); }
        catch (TimeoutException) { throw new HostNotReadyException("this host has not joined the lattice yet (is its seed reachable?)"); }
        catch (Exception e) when (e is not OperationCanceledException and not HostNotReadyException)
        {
            throw new HostNotReadyException("this host's lattice runtime failed to start: " + e.Message);
        }
    }

    public async Task<LatticeClient> ClientAsync(CancellationToken cancellationToken) => (await RuntimeAsync(cancellationToken)).Client;

    /// <summary>What runs here, in the runtime's own terms (serialized to JSON as it is): component instances and providers.</summary>
    public static async Task<object> InventoryOf(LatticeRuntime runtime, CancellationToken cancellationToken = default) => new
    {
        Components = await runtime.InventoryAsync(cancellationToken),
        Providers = await runtime.ProvidersAsync(cancellationToken),
    };

    public static Address SelfAddress(ActorSystem system) => Akka.Cluster.Cluster.Get(system).SelfAddress;
}
