// A link whose target is neither a component nor a provider of this lattice: something that answers
// elsewhere (on a wasmCloud lattice, over NATS with wRPC). Lattice.Actors knows no protocol; the
// host installs an implementation (the Node's NATS bridge does while it runs) and LinkedImports
// hands such calls to it. One per process: a process runs one host.
// Three kinds of call go out: a custom interface's function with its WIT values (CallAsync), a
// capability binding's backend-neutral ProviderRequest (SendAsync), which the host translates into
// the wire interface wasmCloud's providers serve (wasi:keyvalue -> wrpc:keyvalue, ...), and a
// guest's outgoing HTTP request (SendHttpAsync), which goes to an http-client provider there.
// One kind of call comes from a caller of ILatticeCalls.ServeHttpAsync (our http-server provider)
// whose component id names no component of this lattice: an HTTP request for a component there
// (ServeHttpAsync).
using Lattice.Actors.Providers;
using Lattice.Model;
using Lattice.Wasi.Http;
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Actors;

/// <summary>One call of an imported function whose link points outside the lattice.</summary>
/// <param name="Instance">The imported interface with its version (<c>ns:pkg/iface@1.0.0</c>).</param>
/// <param name="Function">The function's component-model name (resource markers included).</param>
public sealed record ExternalCall(string SourceId, string Target, string LinkName, string Instance, string Function,
    FunctionType Type, IReadOnlyList<WitValue> Args, TimeSpan Timeout);

/// <summary>One request of a capability binding (wasi:keyvalue, wasmcloud:messaging...) whose link points outside the lattice.</summary>
/// <param name="Interface">The interface the component imports, with its version (<c>wasi:keyvalue/store@0.2.0-draft</c>).</param>
/// <param name="Request">What the binding asks, as it would ask a provider of this lattice.</param>
public sealed record ExternalProviderCall(string SourceId, string Target, string LinkName, WitInterfaceName Interface,
    ProviderRequest Request, TimeSpan Timeout);

/// <summary>A guest's <c>wasi:http/outgoing-handler</c> request whose link points outside the lattice.</summary>
public sealed record ExternalHttpCall(string SourceId, string Target, string LinkName, OutgoingHttpRequest Request);

/// <summary>An HTTP request for the <c>wasi:http/incoming-handler</c> export of a component outside the lattice.</summary>
/// <param name="SourceId">Who asks (our http-server provider's id), or null when the caller did not say.</param>
/// <param name="Body">The request body as it arrives (null for none); read, never disposed, by the callee.</param>
/// <param name="Timeout">How long to wait for the response head.</param>
public sealed record ExternalHttpServe(string ComponentId, string? SourceId, HttpRequestHead Request, Stream? Body, TimeSpan Timeout);

public interface IExternalLinks
{
    /// <summary>
    /// Runs the call; returns its result (null for none). Throws <see cref="ExternalCallException"/>
    /// with one line when the target cannot be reached or fails.
    /// </summary>
    Task<WitValue?> CallAsync(ExternalCall call, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a capability request to a provider outside the lattice; returns its answer in the form this
    /// lattice's own backends give it (the provider's own errors are error results). Throws
    /// <see cref="ExternalCallException"/> with one line when the target cannot be reached, does not
    /// understand the request, or the interface has no form outside the lattice.
    /// </summary>
    Task<ProviderResult> SendAsync(ExternalProviderCall call, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends an outgoing HTTP request to an http-client provider outside the lattice, as
    /// <see cref="IOutgoingHttp.SendAsync"/> does: returns once the response head is there, with the body
    /// streaming; every failure, including an unreachable target, is an <see cref="HttpErrorCodeException"/>.
    /// <paramref name="cancellationToken"/> fires when the guest drops the request.
    /// </summary>
    Task<OutgoingHttpResponse> SendHttpAsync(ExternalHttpCall call, CancellationToken cancellationToken = default);

    /// <summary>
    /// Serves an HTTP request with a component outside the lattice, as <see cref="ILatticeCalls.ServeHttpAsync"/>
    /// does with one of ours: returns once the response head is there, with the body streaming; never throws
    /// for the component's or the transport's failures (the answer then carries the status and a one-line
    /// message, and the component's own <c>err(error-code)</c> as <see cref="HttpAnswer.ErrorCode"/>).
    /// <paramref name="cancellationToken"/> fires when the client is gone.
    /// </summary>
    Task<HttpAnswer> ServeHttpAsync(ExternalHttpServe call, CancellationToken cancellationToken = default);
}

public sealed class ExternalCallException(string message) : Exception(message);

/// <summary>Where the host puts its <see cref="IExternalLinks"/> (null: such links are denied).</summary>
public static class ExternalLinks
{
    private static volatile IExternalLinks? _current;

    public static IExternalLinks? Current
    {
        get => _current;
        set => _current = value;
    }
}
