// Serving HTTP with a component: calling its `wasi:http/incoming-handler.handle` export (any 0.2.x).
//
// How a server uses it (two sides, two threads):
//
//   // the server's request handler (e.g. Kestrel)
//   using var exchange = new HttpExchange(
//       new HttpRequestHead("POST", "http", "example.com", "/echo?x=1", headers),
//       requestBodyStream);                        // read on the thread pool as the guest asks, at most ~1 MiB ahead
//   /* have the instance's thread run IncomingHandler.Handle(instance, exchange) */
//   switch (await exchange.Outcome)                // completes as soon as the guest calls response-outparam.set
//   {
//       case HttpResponded r:                      // status + headers; the body streams while the guest writes it
//           /* send r.Status, r.Headers */
//           await r.Body.CopyToAsync(responseStream, aborted);   // throws HttpBodyException if the body ends badly
//           /* send r.Body.Trailers, if any */
//           break;
//       case HttpHandlerFailed f:                  // guest set an error-code, set nothing, trapped, or ran out of time
//           /* answer f.StatusCode (500, or 504 for Deadline) with f.Message */
//           break;
//   }
//
//   // the instance's own thread (e.g. the component actor)
//   IncomingHandler.Handle(recyclingInstance, exchange);   // blocks until the guest's handle returns
//
// Handle returns when the guest's `handle` returns; the guest may go on writing the body until then,
// and the bounded body buffer makes it wait (in wasi:io/poll, within the call deadline) while the
// server has not sent the previous bytes yet. So the server must read the body concurrently with
// Handle, never after it (and a guest must set its response before it writes more than the buffer
// holds, as with wasmtime: until then nobody reads). A trap or a missed deadline is rethrown by Handle as the usual
// ComponentTrapException (RecyclingInstance has then already dropped the dead store); the exchange
// has learned it first: as the outcome when no response was set yet, else as an HttpBodyException
// from the body. Disposing the exchange (client gone) stops the request body and makes the guest's
// further writes fail as `closed`; an exchange disposed before Handle runs is skipped (the guest never runs).
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Wasi.Http;

/// <summary>One request served by a component: what the server gives in, and what it gets out.</summary>
public sealed class HttpExchange : IDisposable
{
    private readonly TaskCompletionSource<HttpOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _abort = new();
    private readonly Stream? _body;
    private readonly Func<IReadOnlyList<HttpField>?>? _trailers;
    private readonly object _gate = new();
    private BodyPipe? _responseBody;
    private bool _disposed;
    private int _started;

    /// <param name="request">The request head. Scheme, authority and path should all be set (guests expect them).
    /// Hop-by-hop headers (connection, host, transfer-encoding...) are not shown to the guest.</param>
    /// <param name="body">The request body, read incrementally on the thread pool (reads may block); null when empty.
    /// The exchange does not dispose it.</param>
    /// <param name="trailers">Asked once after <paramref name="body"/> ended, for request trailers.</param>
    public HttpExchange(HttpRequestHead request, Stream? body = null, Func<IReadOnlyList<HttpField>?>? trailers = null)
    {
        if (!HttpWit.IsValidMethod(request.Method)) throw new ArgumentException($"'{request.Method}' is not a valid HTTP method", nameof(request));
        Request = request;
        _body = body;
        _trailers = trailers;
    }

    public HttpRequestHead Request { get; }

    /// <summary>Completes once: with <see cref="HttpResponded"/> when the guest sets its response (before its handle
    /// returns), or <see cref="HttpHandlerFailed"/>. Continuations never run on the guest's thread.</summary>
    public Task<HttpOutcome> Outcome => _outcome.Task;

    /// <summary>True the first time only: an exchange is one request, served once.</summary>
    internal bool TryStart() => Interlocked.Exchange(ref _started, 1) == 0;

    internal bool IsDisposed { get { lock (_gate) return _disposed; } }

    internal BodySource RequestBody => new(_body, _trailers, OwnsStream: false, BetweenBytes: null, _abort.Token);

    internal void Respond(OutgoingResponse response)
    {
        var pipe = response.Body?.Pipe;
        if (pipe is null)
        {
            pipe = new BodyPipe(); // the guest never asked for a body: an empty one
            pipe.Complete();
        }
        lock (_gate)
        {
            _responseBody = pipe;
            if (_disposed) pipe.CloseReader();
        }
        _outcome.TrySetResult(new HttpResponded(response.Status, response.Headers.ToList(), new HttpBodyReader(pipe)));
    }

    internal void Respond(HttpErrorCode code) =>
        _outcome.TrySetResult(new HttpHandlerFailed(HttpFailureKind.ErrorCode, $"the component answered with an error: {code}", code));

    internal void Skipped() =>
        _outcome.TrySetResult(new HttpHandlerFailed(HttpFailureKind.NoResponse, "the exchange was disposed before the component ran"));

    /// <summary>The guest's handle returned: anything it left undone is now final.</summary>
    internal void GuestReturned()
    {
        _outcome.TrySetResult(new HttpHandlerFailed(HttpFailureKind.NoResponse, "the component returned without setting a response"));
        ResponseBody?.Fail("the component returned without finishing the response body");
        _abort.Cancel();
    }

    /// <summary>The call failed (trap, deadline, instantiation): the outcome if none was given yet, else the body's end.</summary>
    internal void GuestFailed(Exception e)
    {
        var kind = e is ComponentTrapException { Kind: TrapKind.Deadline } ? HttpFailureKind.Deadline : HttpFailureKind.Trap;
        if (!_outcome.TrySetResult(new HttpHandlerFailed(kind, e.Message, null, e)))
            ResponseBody?.Fail("the component failed while writing the body: " + e.Message);
        _abort.Cancel();
    }

    /// <summary>No instance took the request: the outcome is <see cref="HttpFailureKind.Unavailable"/>, the guest never ran.</summary>
    internal void Refused(string message)
    {
        _outcome.TrySetResult(new HttpHandlerFailed(HttpFailureKind.Unavailable, message));
        _abort.Cancel();
    }

    private BodyPipe? ResponseBody { get { lock (_gate) return _responseBody; } }

    /// <summary>Ends the exchange from the server's side: stops reading the request body, drops the response body
    /// (the guest's next write fails as <c>closed</c>).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _responseBody?.CloseReader();
        }
        _abort.Cancel();
    }
}

/// <summary>What became of an <see cref="HttpExchange"/>: <see cref="HttpResponded"/> or <see cref="HttpHandlerFailed"/>.</summary>
public abstract record HttpOutcome;

/// <summary>The guest set a response. <see cref="Body"/> streams as the guest writes it; read it concurrently with the handler call.</summary>
public sealed record HttpResponded(ushort Status, IReadOnlyList<HttpField> Headers, HttpBodyReader Body) : HttpOutcome;

public enum HttpFailureKind
{
    /// <summary>The guest set <c>err(error-code)</c> as its response (<see cref="HttpHandlerFailed.ErrorCode"/>).</summary>
    ErrorCode,
    /// <summary>The guest's handle returned without setting a response.</summary>
    NoResponse,
    /// <summary>The guest trapped (or a host function it called failed, or it could not be instantiated) before responding.</summary>
    Trap,
    /// <summary>The call ran past its deadline before the guest responded.</summary>
    Deadline,
    /// <summary>No instance could take the request (it stopped, or its component is gone); the guest never ran.</summary>
    Unavailable,
}

/// <summary>The guest gave no response. <see cref="StatusCode"/> is what a server should answer, with <see cref="Message"/>.</summary>
public sealed record HttpHandlerFailed(HttpFailureKind Kind, string Message, HttpErrorCode? ErrorCode = null, Exception? Exception = null) : HttpOutcome
{
    /// <summary>504 for a missed deadline, 503 when no instance took it, 500 for everything else.</summary>
    public int StatusCode => Kind switch
    {
        HttpFailureKind.Deadline => 504,
        HttpFailureKind.Unavailable => 503,
        _ => 500,
    };
}

/// <summary><c>response-outparam</c>: the guest's way to answer one exchange.</summary>
internal sealed class ResponseOutparam(HttpExchange exchange)
{
    public HttpExchange Exchange { get; } = exchange;
}

/// <summary>Calls a component's <c>wasi:http/incoming-handler.handle</c> for one <see cref="HttpExchange"/>.</summary>
public static class IncomingHandler
{
    private const string Prefix = "wasi:http/incoming-handler@0.2.";

    /// <summary>The name of the component's incoming-handler export (e.g. <c>wasi:http/incoming-handler@0.2.0</c>), or null.</summary>
    public static string? FindExport(ComponentWorld world) =>
        world.Exports.OfType<WorldInterface>().FirstOrDefault(i => i.Name.StartsWith(Prefix, StringComparison.Ordinal) && i.Function("handle") is not null)?.Name;

    /// <summary>
    /// Runs the guest's handle on the calling thread (the instance's), for <paramref name="exchange"/>. Returns when the
    /// guest returns; a trap, deadline or instantiation failure is reported to the exchange and rethrown (the
    /// RecyclingInstance builds a fresh store for the next call).
    /// </summary>
    public static void Handle(RecyclingInstance instance, HttpExchange exchange) => Run(exchange, () => instance.Instance, instance.Recycle);

    /// <summary>As <see cref="Handle(RecyclingInstance, HttpExchange)"/>, on a plain instance (dead after a trap).</summary>
    public static void Handle(ComponentInstance instance, HttpExchange exchange) => Run(exchange, () => instance, recycle: null);

    private static void Run(HttpExchange exchange, Func<ComponentInstance> instance, Action? recycle)
    {
        if (!exchange.TryStart()) throw new InvalidOperationException("this exchange was already handled: make one per request");
        // The server gave up while the request waited for the instance (client gone): don't run the guest for nobody.
        if (exchange.IsDisposed)
        {
            exchange.Skipped();
            return;
        }
        WitResource? request = null, outparam = null;
        ComponentInstance? live = null;
        try
        {
            live = instance();
            var iface = FindExport(live.Component.World)
                ?? throw new ExportNotFoundException("the component does not export wasi:http/incoming-handler@0.2.x");
            var table = live.Store.Resources;
            request = table.Own(WasiHttp.IncomingRequestType, new IncomingRequest(exchange.Request, exchange.RequestBody));
            outparam = table.Own(WasiHttp.ResponseOutparamType, new ResponseOutparam(exchange));
            live.GetFunction(iface, "handle").Call(request, outparam);
        }
        catch (Exception e)
        {
            // Handles the guest never received (the call did not start) would stay in the table for good.
            if (e is not ComponentTrapException && live is not null)
            {
                if (request is not null) live.Store.Resources.Remove(request.Rep);
                if (outparam is not null) live.Store.Resources.Remove(outparam.Rep);
            }
            // The exchange first, then the store: dropping a dead store fails its unfinished bodies with a
            // vaguer reason than the trap's own.
            exchange.GuestFailed(e);
            if (e is ComponentTrapException) recycle?.Invoke();
            throw;
        }
        exchange.GuestReturned();
    }
}
