using Akka.Actor;
using Lattice.Model;

namespace Lattice.Actors;

/// <summary>
/// The lattice as seen from one host, for the admin API and the CLI: desired-state commands go to
/// the lattice-state singleton (persisted before they are acknowledged), calls go through this
/// host's invocation router (local instances first), artifacts into the shared artifact store.
/// </summary>
public sealed class LatticeClient
{
    private readonly IActorRef _state;
    private readonly ComponentHost _host;

    internal LatticeClient(ActorSystem system, IActorRef state, ComponentHost host)
    {
        System = system;
        _state = state;
        _host = host;
        Artifacts = host.Artifacts;
        Options = host.Options;
    }

    public ActorSystem System { get; }

    public ArtifactStore Artifacts { get; }

    public LatticeHostOptions Options { get; }

    /// <summary>The current desired state (links, configs, components, providers).</summary>
    public async Task<LatticeState> GetStateAsync(CancellationToken cancellationToken = default) =>
        (await _state.Ask<StateReply>(GetLatticeState.Instance, TimeSpan.FromSeconds(10), cancellationToken)).State;

    /// <summary>Carries out a command; throws <see cref="LatticeCommandException"/> when it is refused.</summary>
    public async Task<LatticeState> SendAsync(LatticeCommand command, CancellationToken cancellationToken = default)
    {
        var reply = await _state.Ask<CommandReply>(command, TimeSpan.FromSeconds(15), cancellationToken);
        if (reply.Error is { } error) throw new LatticeCommandException(error);
        return reply.State!;
    }

    /// <summary>
    /// Calls <paramref name="function"/> (<c>iface#func</c> or a root <c>func</c>) on any instance of
    /// <paramref name="componentId"/> with JSON arguments; returns the result as JSON
    /// (<c>null</c> for no result). Failures throw <see cref="LatticeCallException"/>.
    /// </summary>
    public async Task<string> CallJsonAsync(string componentId, string function, IReadOnlyList<string> jsonArgs,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var t = timeout ?? Options.CallTimeout;
        // Straight from here to the chosen instance (local first): no hop through the router actor.
        var call = new InvokeJson(componentId, function, jsonArgs.ToArray(), t);
        var (lease, failure) = _host.Directory.Reserve(_host.CurrentState, call, _host.Region);
        var reply = failure ?? await _host.Directory.CallAsync(lease, call, cancellationToken);
        if (reply.Failure is { } kind) throw new LatticeCallException(kind, reply.Error ?? kind.ToString());
        return reply.Json ?? "null";
    }
}
