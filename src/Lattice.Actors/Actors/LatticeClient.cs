using Akka.Actor;
using Lattice.Model;

namespace Lattice.Actors;

/// <summary>
/// The lattice as seen from one host, for the admin API and the CLI: desired-state commands go to
/// the lattice-state singleton (persisted before they are acknowledged), calls go through this
/// host's invocation router (local instances first), artifacts into the shared artifact store.
/// </summary>
public sealed class LatticeClient : ILatticeCalls
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

    /// <inheritdoc cref="ILatticeCalls.CallJsonAsync"/>
    public Task<string> CallJsonAsync(string componentId, string function, IReadOnlyList<string> jsonArgs,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _host.Calls.CallJsonAsync(componentId, function, jsonArgs, timeout, cancellationToken);

    /// <inheritdoc cref="ILatticeCalls.ServeHttpAsync"/>
    public Task<HttpAnswer> ServeHttpAsync(string componentId, Wasi.Http.HttpRequestHead request, Stream? body,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _host.Calls.ServeHttpAsync(componentId, request, body, timeout, cancellationToken);
}
