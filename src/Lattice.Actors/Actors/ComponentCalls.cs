using Lattice.Model;

namespace Lattice.Actors;

/// <summary>Calls into the lattice's components: what the CLI, the admin API and providers (a message handler, an HTTP server) use.</summary>
public interface ILatticeCalls
{
    /// <summary>
    /// Calls <paramref name="function"/> (<c>iface#func</c> or a root <c>func</c>) on any instance of
    /// <paramref name="componentId"/> with JSON arguments; returns the result as JSON (<c>null</c> for
    /// no result). Failures throw <see cref="LatticeCallException"/>.
    /// </summary>
    Task<string> CallJsonAsync(string componentId, string function, IReadOnlyList<string> jsonArgs,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default);
}

/// <summary>This host's way into the lattice's instances: straight to the chosen one (local first), no hop through the router actor.</summary>
internal sealed class ComponentCalls(ComponentHost host) : ILatticeCalls
{
    public async Task<string> CallJsonAsync(string componentId, string function, IReadOnlyList<string> jsonArgs,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var call = new InvokeJson(componentId, function, jsonArgs.ToArray(), timeout ?? host.Options.CallTimeout);
        var (lease, failure) = host.Directory.Reserve(host.CurrentState, call, host.Region);
        var reply = failure ?? await host.Directory.CallAsync(lease, call, cancellationToken);
        if (reply.Failure is { } kind) throw new LatticeCallException(kind, reply.Error ?? kind.ToString());
        return reply.Json ?? "null";
    }
}
