// `future-incoming-response`: the guest's handle on an outgoing request in flight. The
// IOutgoingHttp runs on the thread pool; the guest subscribes (a TaskPollable, so it waits together
// with its other pollables) and takes the outcome once with `get`.
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Wasi.Http;

internal sealed class FutureIncomingResponse : IDisposable
{
    private readonly Task<OutgoingHttpResponse> _task;
    private readonly CancellationTokenSource _cancel = new();
    private readonly HttpTimeouts _timeouts;
    private bool _taken;

    public FutureIncomingResponse(IOutgoingHttp handler, OutgoingHttpRequest request)
    {
        _timeouts = request.Timeouts;
        _task = Task.Run(() => handler.SendAsync(request, _cancel.Token));
        // A request that failed will never read the rest of its body: let the guest's writes fail instead of wait.
        if (request.Body is { } body)
            _task.ContinueWith(_ => body.Dispose(), CancellationToken.None, TaskContinuationOptions.NotOnRanToCompletion, TaskScheduler.Default);
    }

    public Pollable Subscribe() => new TaskPollable(_task);

    /// <summary><c>option&lt;result&lt;result&lt;incoming-response, error-code&gt;&gt;&gt;</c>: none until ready, then the outcome once, then err.</summary>
    public WitValue Get(ResourceTable table)
    {
        if (!_task.IsCompleted) return WitValue.None;
        if (_taken) return WitValue.Some(WitValue.Err());
        _taken = true;
        if (_task.IsCompletedSuccessfully)
        {
            var response = table.Own(WasiHttp.IncomingResponseType, new IncomingResponse(_task.Result, _timeouts.BetweenBytes));
            return WitValue.Some(WitValue.Ok(WitValue.Ok(response)));
        }
        return WitValue.Some(WitValue.Ok(WitValue.Err(CodeOf(_task.Exception?.InnerException).ToWit())));
    }

    private static HttpErrorCode CodeOf(Exception? e) => e switch
    {
        HttpErrorCodeException h => h.Code,
        null or OperationCanceledException => HttpErrorCode.InternalError("the request was cancelled"),
        _ => HttpClientErrors.CodeOf(e) ?? HttpErrorCode.InternalError(e.Message),
    };

    /// <summary>Dropped: cancel the request if it is still running, and release a response nobody took.</summary>
    public void Dispose()
    {
        if (_taken) return;
        _taken = true;
        _cancel.Cancel();
        _task.ContinueWith(t => t.Result.Body.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }
}
