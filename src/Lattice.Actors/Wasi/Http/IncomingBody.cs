// A body the guest reads (`incoming-body`): a server's request body, or the response to the guest's
// own outgoing request.
//
// The bytes come from a .NET stream that may block or trickle, so a pump task copies it into the
// body's BodyPipe on the thread pool, never more than the pipe's capacity ahead of the guest; the
// guest's input-stream reads the pipe without blocking and polls it like any other pollable.
// `finish` hands the rest of the body to a drain task and returns the future of its trailers.
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Wasi.Http;

/// <summary>Where an incoming body's bytes come from.</summary>
/// <param name="Stream">The bytes; null for an empty body.</param>
/// <param name="Trailers">Asked once, after the stream ended.</param>
/// <param name="OwnsStream">Dispose the stream when the body is done (an upstream response; not a server's request body).</param>
/// <param name="BetweenBytes">Longest wait for the next bytes before the body fails with connection-read-timeout.</param>
/// <param name="Abort">Stops the pump (the exchange ended).</param>
internal sealed record BodySource(
    Stream? Stream, Func<IReadOnlyList<HttpField>?>? Trailers, bool OwnsStream, TimeSpan? BetweenBytes, CancellationToken Abort);

internal sealed class IncomingBody : IDisposable
{
    private readonly BodyPipe _pipe = new();
    private readonly CancellationTokenSource _cancel;
    private bool _streamTaken;
    private bool _finished;

    public IncomingBody(BodySource source)
    {
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(source.Abort);
        if (source.Stream is null) _pipe.Complete(source.Trailers?.Invoke());
        else _ = Task.Run(() => BodyPump.RunAsync(source, _pipe, _cancel.Token));
    }

    internal BodyPipe Pipe => _pipe;

    /// <summary><c>incoming-body.stream</c>: the stream, the first time only.</summary>
    public InputStream? TakeStream()
    {
        if (_streamTaken) return null;
        _streamTaken = true;
        return new BodyInputStream(_pipe);
    }

    /// <summary><c>incoming-body.finish</c>: the rest of the body is read and dropped; its trailers arrive in the future.</summary>
    public FutureTrailers Finish()
    {
        _finished = true;
        return new FutureTrailers(Task.Run(() => _pipe.DrainAsync(_cancel.Token)), _cancel);
    }

    /// <summary>Dropped without finish: stop reading.</summary>
    public void Dispose()
    {
        if (_finished) return;
        _finished = true;
        _pipe.CloseReader();
        _cancel.Cancel();
    }
}

/// <summary>Copies a .NET stream into a body's pipe, waiting whenever the pipe is full.</summary>
internal static class BodyPump
{
    private const int ChunkSize = 64 * 1024;

    public static async Task RunAsync(BodySource source, BodyPipe pipe, CancellationToken cancel)
    {
        var buffer = new byte[ChunkSize];
        try
        {
            while (await pipe.WaitWritableAsync(cancel).ConfigureAwait(false))
            {
                cancel.ThrowIfCancellationRequested();
                var n = await ReadAsync(source, buffer, cancel).ConfigureAwait(false);
                if (n == 0)
                {
                    pipe.Complete(source.Trailers?.Invoke());
                    return;
                }
                // A right-sized copy: a trickling source must not pin a 64 KiB array per byte it sends.
                pipe.Add(buffer.AsSpan(0, n).ToArray());
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested) { pipe.Fail("the body was abandoned"); }
        catch (HttpErrorCodeException e) { pipe.Fail(e.Message, e.Code); }
        catch (Exception e) { pipe.Fail("reading the body failed: " + e.Message, HttpClientErrors.CodeOf(e)); }
        finally
        {
            if (source.OwnsStream && source.Stream is not null)
            {
                try { await source.Stream.DisposeAsync().ConfigureAwait(false); }
                catch (Exception) { /* the body is over either way */ }
            }
        }
    }

    private static async ValueTask<int> ReadAsync(BodySource source, byte[] buffer, CancellationToken cancel)
    {
        if (source.BetweenBytes is not { } limit) return await source.Stream!.ReadAsync(buffer, cancel).ConfigureAwait(false);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timer.CancelAfter(limit);
        try { return await source.Stream!.ReadAsync(buffer, timer.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new HttpErrorCodeException(HttpErrorCode.ConnectionReadTimeout, $"no body bytes within the between-bytes timeout ({limit.TotalSeconds:0.###} s)");
        }
    }
}

/// <summary>The guest's input-stream over an incoming body.</summary>
internal sealed class BodyInputStream(BodyPipe pipe) : InputStream
{
    public override ReadOnlyMemory<byte> Read(int maxBytes) => pipe.TryRead(maxBytes, out var data) switch
    {
        PipeRead.Data => data,
        PipeRead.Pending => ReadOnlyMemory<byte>.Empty,
        PipeRead.End => throw StreamException.Closed(),
        _ => throw Failed(pipe.Failure!),
    };

    public override Pollable Subscribe() => new BodyPollable(pipe, forWriting: false);

    /// <summary>A body failure as a stream error whose io-error carries the HTTP error code (for <c>http-error-code</c>).</summary>
    internal static StreamException Failed(BodyFailure failure) => StreamException.Failed(new IoError(failure.Message, failure.Code));
}

/// <summary><c>future-trailers</c>: ready when the rest of the body has been read.</summary>
internal sealed class FutureTrailers(Task<(IReadOnlyList<HttpField>? Trailers, BodyFailure? Failure)> drain, CancellationTokenSource cancel) : IDisposable
{
    private bool _taken;

    public Pollable Subscribe() => new TaskPollable(drain);

    /// <summary><c>option&lt;result&lt;result&lt;option&lt;trailers&gt;, error-code&gt;&gt;&gt;</c>: none until ready, then the outcome once, then err.</summary>
    public WitValue Get(ResourceTable table)
    {
        if (!drain.IsCompleted) return WitValue.None;
        if (_taken) return WitValue.Some(WitValue.Err());
        _taken = true;
        var (trailers, failure) = drain.IsCompletedSuccessfully ? drain.Result : (null, new BodyFailure("reading the body failed", null));
        if (failure is not null) return WitValue.Some(WitValue.Ok(WitValue.Err((failure.Code ?? HttpErrorCode.InternalError(failure.Message)).ToWit())));
        if (trailers is null) return WitValue.Some(WitValue.Ok(WitValue.Ok(WitValue.None)));
        var fields = table.Own(WasiHttp.FieldsType, HttpFields.FromOutside(trailers));
        return WitValue.Some(WitValue.Ok(WitValue.Ok(WitValue.Some(fields))));
    }

    public void Dispose()
    {
        if (!drain.IsCompleted) cancel.Cancel();
    }
}
