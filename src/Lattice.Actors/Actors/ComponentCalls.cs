using Lattice.Model;
using Lattice.Wasi.Http;

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

    /// <summary>
    /// Serves one HTTP request with any instance of <paramref name="componentId"/> (its
    /// <c>wasi:http/incoming-handler</c> export). Never throws for the component's failures: the answer
    /// then carries the status a server should send (500 trap, 503 overloaded or absent, 504 deadline)
    /// and a short message. Dispose the answer when the response is sent (or the client is gone).
    /// </summary>
    Task<HttpAnswer> ServeHttpAsync(string componentId, HttpRequestHead request, Stream? body,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="ServeHttpAsync(string, HttpRequestHead, Stream?, TimeSpan?, CancellationToken)"/>, saying who asks:
    /// <paramref name="sourceId"/> (an http-server provider's id) is what a component outside the lattice is told
    /// the request comes from (wasmCloud's <c>source-id</c>).
    /// </summary>
    Task<HttpAnswer> ServeHttpAsync(string componentId, HttpRequestHead request, Stream? body, string? sourceId,
        TimeSpan? timeout, CancellationToken cancellationToken) =>
        ServeHttpAsync(componentId, request, body, timeout, cancellationToken);
}

/// <summary>This host's way into the lattice's instances: straight to the chosen one (local first), no hop through the router actor.</summary>
internal sealed partial class ComponentCalls(ComponentHost host) : ILatticeCalls
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
