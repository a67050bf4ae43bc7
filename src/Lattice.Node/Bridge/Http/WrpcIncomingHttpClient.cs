// An HTTP request for a wasmCloud component (no component of ours, on the same NATS lattice), sent
// as wasmCloud's http-server provider sends it (protocol spec §1.3, §1.8; upstream
// `crates/provider-http-server/src/lib.rs`, `crates/provider-sdk/src/provider.rs`):
// `wrpc:http/incoming-handler@0.1.0.handle(request)` on `{lattice}.{component}` with the headers
// `source-id: <our http-server provider's id>` and `target-id: <component id>`.
//   - the request body is the pending stream on `Rs.params.0.0`, read from the server's request
//     stream as it arrives (left open: the server owns it); trailers on `Rs.params.0.1` are none;
//   - the answer returns as soon as `ok(response)` decodes; its body is read from `Rc.results.0.0`
//     as it arrives (WrpcResponseBody, which owns the invocation; the response trailers are read
//     and dropped: HttpAnswer has none). Disposing the answer releases the invocation.
//
// Failures are answers, never exceptions (ILatticeCalls.ServeHttpAsync's contract):
//   the component answered err(error-code)          → 500 (504 for a *-timeout code) with ErrorCode
//   nothing subscribed (NATS 503 no responders)     → 503 "nothing on the NATS lattice serves ..."
//   no response head within the call's timeout, or NATS 408 → 504
//   the invocation failed (the component trapped), or its answer does not decode → 500, as for a
//       component of ours that traps (wasmCloud's http-server answers 500 there too)
//   NATS failed                                      → 503
//   a status HTTP cannot send                        → 502
//   the component id is no valid subject token       → 503
// A body that breaks off mid-way fails the server's reads with HttpBodyException (it aborts the
// connection). Response headers HTTP does not allow are dropped (HttpAnswer.Responded).
using Lattice.Actors;
using Lattice.Node.Bridge.Wrpc;
using Lattice.Wasi.Http;
using Lattice.Wit;
using Lattice.Wit.Wrpc;
using NATS.Client.Core;

namespace Lattice.Node.Bridge.Http;

internal static class WrpcIncomingHttpClient
{
    public static async Task<HttpAnswer> ServeAsync(WrpcClient client, string lattice, ExternalHttpServe call, CancellationToken cancellationToken)
    {
        var function = WrpcHttpTypes.Handle;
        var target = call.ComponentId;
        string prefix;
        try { prefix = WrpcSubjects.Prefix(lattice, target); }
        catch (ArgumentException e) { return HttpAnswer.Failed(503, $"no component '{target}': {e.Message}"); }

        var headers = WrpcHeaders.Create(sourceId: call.SourceId);
        headers[WrpcHeaders.TargetId] = target;
        WrpcInvocation invocation;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(call.Timeout);
            try { invocation = await client.CallAsync(prefix, function, [Request(call)], headers, deadline.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return HttpAnswer.Failed(504, $"the wasmCloud component '{target}' did not answer within {call.Timeout.TotalSeconds:0.#} s");
            }
            catch (WrpcNotFoundException)
            {
                return HttpAnswer.Failed(503, $"no component '{target}' in the lattice, and nothing on the NATS lattice serves {function} for it");
            }
            catch (WrpcTimeoutException e) { return HttpAnswer.Failed(504, $"the wasmCloud component '{target}': {e.Message}"); }
            catch (WrpcException e) { return HttpAnswer.Failed(500, $"the wasmCloud component '{target}' failed: {e.Message}"); }
            catch (WrpcEncodeException e) { return HttpAnswer.Failed(500, $"cannot send {function} to '{target}': {e.Message}"); }
            catch (NatsException e) { return HttpAnswer.Failed(503, $"the wasmCloud component '{target}': NATS: {e.Message}"); }
        }

        try
        {
            var result = (WitResult)invocation.Results[0];
            if (!result.IsOk)
            {
                await invocation.DisposeAsync().ConfigureAwait(false);
                var code = WrpcHttpValues.ToErrorCode(result.Payload!);
                return HttpAnswer.Failed(code.Case.EndsWith("-timeout", StringComparison.Ordinal) ? 504 : 500,
                    $"the wasmCloud component '{target}' answered with an error: {code}", code);
            }
            var response = (WitRecord)result.Payload!;
            var status = (int)((WitPrimitive)response["status"]).Bits;
            if (status is < 100 or > 999)
            {
                await invocation.DisposeAsync().ConfigureAwait(false);
                return HttpAnswer.Failed(502, $"the wasmCloud component '{target}' answered status {status}, which HTTP cannot send");
            }
            var body = new WrpcResponseBody(invocation, (WrpcStream)response["body"], (WrpcFuture)response["trailers"], target);
            return HttpAnswer.Responded(status, WrpcHttpValues.ToFields(response["headers"]), new ServedBody(body));
        }
        catch
        {
            await invocation.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The <c>request</c> record: the body streamed from the server's request as it arrives (empty when none), no trailers.</summary>
    private static WitValue Request(ExternalHttpServe call) => WrpcHttpValues.Request(call.Request,
        call.Body is { } body ? WrpcOutgoing.Bytes(body, leaveOpen: true) : WrpcOutgoing.Bytes(ReadOnlyMemory<byte>.Empty),
        WrpcOutgoing.Future(_ => new ValueTask<WitValue?>(WitValue.None)));

    /// <summary>
    /// The response body as a server copies it: a body that broke off or stalled is an <see cref="HttpBodyException"/>
    /// (the server aborts the connection) rather than the guest-facing error WrpcResponseBody throws.
    /// </summary>
    private sealed class ServedBody(WrpcResponseBody body) : AsyncReadStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try { return await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false); }
            catch (HttpErrorCodeException e) { throw new HttpBodyException(e.Message, e.Code); }
        }

        public override ValueTask DisposeAsync() => body.DisposeAsync();

        protected override void Dispose(bool disposing)
        {
            if (disposing) body.Dispose();
            base.Dispose(disposing);
        }
    }
}
