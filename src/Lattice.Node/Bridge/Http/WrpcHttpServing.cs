// Serves a component's `wasi:http/incoming-handler@0.2.x` export over wRPC as wasmCloud 1.x does:
// as `wrpc:http/incoming-handler@0.1.0.handle(request) -> result<response, error-code>` (protocol
// spec §1.8). The call goes through the lattice like a request from the http-server provider
// (ILatticeCalls.ServeHttpAsync, the local instance first):
//   - the request body is the pending stream on `Rs.params.0.0`, read as it arrives: the exchange
//     pulls it as the guest reads (wRPC has no flow control, so what the caller sends faster than
//     that waits in the invocation's mailbox, bounded by WrpcServerOptions.MaxBufferedBytes);
//     request trailers (`Rs.params.0.1`) are not passed on: the lattice's HTTP call takes none;
//   - the answer is `ok(response)` as soon as the component sets its response; the body follows on
//     `Rc.results.0.0` while the component writes it, then its trailers (or none) on `Rc.results.0.1`.
//
// Failures, and what a caller sees (wasmCloud's handler returns err(code) when the guest sets one
// and fails the invocation when the guest traps or sets nothing; its http-server answers 500 to both):
//   guest set err(error-code)                    → err(that code) (HttpAnswer.ErrorCode; from an instance on
//                                                   another host: case and internal-error message only)
//   guest trapped, or returned without a response → the invocation fails: `Rc.results` ends early,
//                                                   with our `wrpc-error` header saying why
//   no answer within the call timeout / deadline  → err(HTTP-response-timeout)
//   no instance can take it (overloaded, scaled to 0) → err(internal-error(some(reason)))
//   body too large to cross to another host       → err(HTTP-request-body-size(none))
//   invalid method, scheme, path or authority     → err(HTTP-request-method-invalid / HTTP-request-URI-invalid)
//   body breaks off mid-way                       → `Rc.results.0.0` and `.0.1` end early with `wrpc-error`
using Lattice.Actors;
using Lattice.Node.Bridge.Wrpc;
using Lattice.Wasi.Http;
using Lattice.Wit;
using Lattice.Wit.Wrpc;
using Microsoft.Extensions.Logging;

namespace Lattice.Node.Bridge.Http;

internal static class WrpcHttpServing
{
    /// <summary>The export to serve for <paramref name="componentId"/>'s incoming handler.</summary>
    public static WrpcExport Export(ILatticeCalls lattice, string componentId, ILogger log) =>
        new(WrpcHttpTypes.Handle, (call, ct) => HandleAsync(lattice, componentId, call, log, ct));

    private static async ValueTask<IReadOnlyList<WitValue>> HandleAsync(ILatticeCalls lattice, string componentId, WrpcIncomingCall call,
        ILogger log, CancellationToken cancellationToken)
    {
        var request = (WitRecord)call.Params[0];
        HttpRequestHead head;
        try { head = WrpcHttpValues.ToHead(request); }
        catch (WrpcHttpRefusal e)
        {
            log.LogInformation("NATS bridge: wrpc:http request for {Component} refused: {Reason}", componentId, e.Message);
            return [Err(e.Code)];
        }

        var body = call.OpenByteStream((WrpcStream)request["body"]);
        HttpAnswer answer;
        try { answer = await lattice.ServeHttpAsync(componentId, head, body, cancellationToken: cancellationToken).ConfigureAwait(false); }
        catch
        {
            await body.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        if (answer.Failure is { } failure)
        {
            var (status, code) = (answer.Status, answer.ErrorCode);
            answer.Dispose();
            await body.DisposeAsync().ConfigureAwait(false);
            return [Err(code ?? Failed(componentId, status, failure))];
        }

        var responseBody = new WrpcHttpResponseBody(answer);
        var trailers = WrpcOutgoing.Future(async ct =>
        {
            var fields = await responseBody.Trailers.WaitAsync(ct).ConfigureAwait(false);
            return fields is null ? WitValue.None : WitValue.Some(WrpcHttpValues.FromFields(fields));
        });
        var response = WitValue.Record(
            ("body", WrpcOutgoing.Bytes(responseBody)),
            ("trailers", trailers),
            ("status", WitValue.U16((ushort)answer.Status)),
            ("headers", WrpcHttpValues.FromFields(answer.Headers)));
        return [WitValue.Ok(response)];
    }

    /// <summary>The error-code for a failure that is not the guest's own, or an exception (the invocation fails) where wasmCloud's would.</summary>
    private static HttpErrorCode Failed(string componentId, int status, string failure) => status switch
    {
        500 => throw new WrpcCallFailedException($"{componentId}: {failure}"),
        504 => HttpErrorCode.ResponseTimeout,
        413 => HttpErrorCode.RequestBodySize(null),
        _ => HttpErrorCode.InternalError($"{componentId}: {failure}"),
    };

    private static WitValue Err(HttpErrorCode code) => WitValue.Err(WrpcHttpValues.ErrorCode(code));
}
