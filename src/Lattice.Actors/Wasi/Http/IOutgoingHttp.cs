// Outgoing HTTP: what happens when a guest calls `wasi:http/outgoing-handler.handle`.
//
// The host looks for an IOutgoingHttp in the store's features (set it with
// WasiHttp.UseOutgoing(store, handler) before instantiating). Without one, every request is
// answered `HTTP-request-denied`: a component reaches the network only when its host grants it.
// OutgoingHttpClient is the real implementation (pooled HttpClient, allow-list of hosts).
//
// The request body is streamed: the guest usually calls handle first and writes the body
// afterwards, so Body is a stream the implementation reads while the guest writes. The response's
// body is streamed the other way. SendAsync runs on the thread pool, never on the guest's thread;
// the guest polls the future it got from handle.
namespace Lattice.Wasi.Http;

/// <summary>Sends a guest's outgoing HTTP requests.</summary>
public interface IOutgoingHttp
{
    /// <summary>
    /// Sends <paramref name="request"/> and returns once the response head is there. Report a typed failure by
    /// throwing <see cref="HttpErrorCodeException"/> (e.g. <see cref="HttpErrorCode.RequestDenied"/> for a host that
    /// is not allowed); any other exception reaches the guest as <c>internal-error</c>. Honour
    /// <see cref="HttpTimeouts.Connect"/> and <see cref="HttpTimeouts.FirstByte"/>; the host enforces
    /// <see cref="HttpTimeouts.BetweenBytes"/> on the response body. <paramref name="cancellationToken"/> fires when
    /// the guest drops the request's future.
    /// </summary>
    Task<OutgoingHttpResponse> SendAsync(OutgoingHttpRequest request, CancellationToken cancellationToken);
}

/// <summary>The guest's <c>request-options</c>; null where the guest set none (use your default).</summary>
public sealed record HttpTimeouts(TimeSpan? Connect, TimeSpan? FirstByte, TimeSpan? BetweenBytes)
{
    public static HttpTimeouts None { get; } = new(null, null, null);
}

/// <summary>
/// A guest's outgoing request. <see cref="HttpRequestHead.Scheme"/> is null when the guest set none (treat as
/// https); <see cref="HttpRequestHead.Authority"/> is always set. <see cref="Body"/> is null when the guest never
/// asked for a body, otherwise the body as the guest writes it (it ends when the guest finishes it).
/// </summary>
public sealed record OutgoingHttpRequest(HttpRequestHead Head, HttpBodyReader? Body, HttpTimeouts Timeouts);

/// <summary>
/// The response to an outgoing request. The host owns <see cref="Body"/> from here on and disposes it when the
/// guest is done with it (dispose releases the connection); <see cref="Trailers"/> is asked once, after the body ended.
/// </summary>
public sealed record OutgoingHttpResponse(ushort Status, IReadOnlyList<HttpField> Headers, Stream Body, Func<IReadOnlyList<HttpField>?>? Trailers = null);
