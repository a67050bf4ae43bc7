// HTTP requests into components. An instance on this host gets the request as it is: the body
// streams in and out through the exchange (wasi:http), never held whole. An instance on another
// host gets it as one message each way (HttpInvoke/HttpReply), so bodies that cross hosts are
// limited to MaxCrossHostBody; a server that wants unlimited streaming runs next to an instance
// (the http-server provider prefers local instances like every other caller). An id that names no
// component (and no provider) of this lattice goes to the host's IExternalLinks when there is one
// (the NATS bridge: a wasmCloud component on the same NATS lattice), with the caller's id as source.
using Akka.Actor;
using Lattice.Wasi.Http;

namespace Lattice.Actors;

internal sealed partial class ComponentCalls
{
    /// <summary>The largest request or response body that may cross hosts (one remoting frame, with headroom).</summary>
    public const int MaxCrossHostBody = 7 * 1024 * 1024;

    public const string HttpHandlerFunction = "wasi:http/incoming-handler#handle";

    public Task<HttpAnswer> ServeHttpAsync(string componentId, HttpRequestHead request, Stream? body,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        ServeHttpAsync(componentId, request, body, null, timeout, cancellationToken);

    public async Task<HttpAnswer> ServeHttpAsync(string componentId, HttpRequestHead request, Stream? body, string? sourceId,
        TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var call = new InvokeJson(componentId, HttpHandlerFunction, [], timeout ?? host.Options.CallTimeout);
        var state = host.CurrentState;
        if (!state.Components.ContainsKey(componentId) && !state.Providers.ContainsKey(componentId) && ExternalLinks.Current is { } external)
            return await external.ServeHttpAsync(new ExternalHttpServe(componentId, sourceId, request, body, call.Timeout), cancellationToken);
        var (lease, failure) = host.Directory.Reserve(state, call, host.Region);
        if (failure is not null) return HttpAnswer.Failed(503, failure.Error ?? "unavailable");
        return lease.Instance is { IsLocal: true }
            ? await ServeLocallyAsync(lease, request, body, call.Timeout, cancellationToken)
            : await ServeRemotelyAsync(lease, request, body, call.Timeout, cancellationToken);
    }

    private async Task<HttpAnswer> ServeLocallyAsync(InstanceDirectory.Lease lease, HttpRequestHead request, Stream? body, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var exchange = new HttpExchange(request, body);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The lease (the instance's share of the in-flight budget) is held until the guest's handle returns,
        // which may be well after it answered: it goes on writing the body.
        _ = done.Task.ContinueWith(_ => host.Directory.Release(lease), TaskScheduler.Default);
        lease.Target.Tell(new LocalHttpInvoke(lease.EntityId, exchange, done), ActorRefs.NoSender);
        HttpOutcome outcome;
        try { outcome = await exchange.Outcome.WaitAsync(timeout, cancellationToken); }
        catch (TimeoutException)
        {
            exchange.Dispose();
            return HttpAnswer.Failed(504, $"{lease.ComponentId} did not answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (OperationCanceledException)
        {
            exchange.Dispose();
            throw;
        }
        return outcome switch
        {
            HttpResponded r => new HttpAnswer(r.Status, r.Headers, r.Body, exchange),
            HttpHandlerFailed f => Failed(exchange, f),
            _ => throw new InvalidOperationException("unknown HTTP outcome"),
        };
    }

    private static HttpAnswer Failed(HttpExchange exchange, HttpHandlerFailed failure)
    {
        exchange.Dispose();
        return HttpAnswer.Failed(failure.StatusCode, failure.Message, failure.ErrorCode);
    }

    private async Task<HttpAnswer> ServeRemotelyAsync(InstanceDirectory.Lease lease, HttpRequestHead request, Stream? body, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = body is null ? [] : await ReadBoundedAsync(body, MaxCrossHostBody, cancellationToken);
            if (bytes is null) return HttpAnswer.Failed(413, $"request bodies over {MaxCrossHostBody / (1024 * 1024)} MiB cannot cross hosts; {lease.ComponentId} runs on another host");
            var reply = await lease.Target.Ask<HttpReply>(HttpInvoke.From(lease.EntityId, request, bytes, timeout), timeout, cancellationToken);
            return reply.Failure is { } message ? HttpAnswer.Failed(reply.Status, message, reply.GuestErrorCode())
                : new HttpAnswer(reply.Status, reply.Fields(), new MemoryStream(reply.Body, writable: false));
        }
        catch (AskTimeoutException)
        {
            return HttpAnswer.Failed(504, $"{lease.ComponentId} did not answer within {timeout.TotalSeconds:0.#} s");
        }
        finally
        {
            host.Directory.Release(lease);
        }
    }

    /// <summary>The whole stream if it is at most <paramref name="limit"/> bytes, else null.</summary>
    internal static async Task<byte[]?> ReadBoundedAsync(Stream stream, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int n;
        while ((n = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + n > limit) return null;
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }
}
