// A component's outgoing HTTP request sent to a wasmCloud http-client provider, as a wasmCloud 1.x
// host sends it (protocol spec §1.8; upstream `crates/runtime/src/component/http.rs`,
// `crates/provider-http-client/src/lib.rs`): `wrpc:http/outgoing-handler@0.1.0.handle(request,
// options)` on `{lattice}.{target}` with the `source-id` and `link-name` headers.
//   - the request body is the pending stream on `Rs.params.0.0`, sent while the guest writes it; its
//     trailers (the guest's, or none) follow on `Rs.params.0.1` once the body ended;
//   - options carry the guest's request-options (u64 nanoseconds), none when it set none: the provider
//     applies them to its own connection (10 s connect and 60 s first byte by default, like ours);
//   - the answer returns as soon as `ok(response)` decodes; the body is read from `Rc.results.0.0` as
//     it arrives and the trailers from `Rc.results.0.1` (WrpcResponseBody, which owns the invocation).
//
// Failures, all HttpErrorCodeException (the guest's future-incoming-response gets err(code)):
//   the provider answered err(error-code)            → that code
//   nothing subscribed (NATS 503 no responders)      → connection-refused. wasmCloud's host fails the
//       invocation there and wasmtime traps the guest in `future-incoming-response.get`; a guest can
//       handle a typed error, and to it the missing provider is a hop that refuses the connection
//   no response head within connect + first-byte timeout (the guest's, else 10 s + 60 s)
//                                                    → connection-read-timeout (what the provider
//       itself answers when the upstream gives no first byte in time)
//   no handshake within the client's timeout, or NATS 408 → connection-timeout
//   the provider broke off, answered what does not decode, NATS failed → internal-error(some(reason))
//   the link target is no valid subject token         → configuration-error
using Lattice.Actors;
using Lattice.Node.Bridge.Wrpc;
using Lattice.Wasi.Http;
using Lattice.Wit;
using Lattice.Wit.Wrpc;
using NATS.Client.Core;

namespace Lattice.Node.Bridge.Http;

internal static class WrpcOutgoingHttp
{
    public static async Task<OutgoingHttpResponse> SendAsync(WrpcClient client, string lattice, ExternalHttpCall call, CancellationToken cancellationToken)
    {
        var request = call.Request;
        var function = WrpcHttpTypes.OutgoingHandle;
        var body = request.Body is { } reader ? new WrpcRequestBody(reader) : null;
        WrpcInvocation invocation;
        try
        {
            string prefix;
            try { prefix = WrpcSubjects.Prefix(lattice, call.Target); }
            catch (ArgumentException e) { throw new HttpErrorCodeException(HttpErrorCode.ConfigurationError, $"link target '{call.Target}' of {call.SourceId}: {e.Message}"); }
            var parameters = new[] { Request(request.Head, body), WrpcHttpValues.FromTimeouts(request.Timeouts) };
            var wait = (request.Timeouts.Connect ?? OutgoingHttpClient.DefaultTimeouts.Connect!.Value)
                       + (request.Timeouts.FirstByte ?? OutgoingHttpClient.DefaultTimeouts.FirstByte!.Value);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(wait);
            try
            {
                invocation = await client.CallAsync(prefix, function, parameters, WrpcHeaders.Create(sourceId: call.SourceId, linkName: call.LinkName),
                    deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new HttpErrorCodeException(HttpErrorCode.ConnectionReadTimeout,
                    $"no response from the http-client '{call.Target}' within {wait.TotalSeconds:0.###} s (connect + first-byte timeout)");
            }
            catch (WrpcNotFoundException)
            {
                throw new HttpErrorCodeException(HttpErrorCode.ConnectionRefused,
                    $"nothing on the NATS lattice serves {function} for '{call.Target}' (no http-client provider answers)");
            }
            catch (WrpcTimeoutException e) { throw new HttpErrorCodeException(HttpErrorCode.ConnectionTimeout, $"http-client '{call.Target}': {e.Message}"); }
            catch (WrpcException e) { throw Internal(call, e.Message); }
            catch (WrpcEncodeException e) { throw Internal(call, $"cannot send {function}: {e.Message}"); }
            catch (NatsException e) { throw Internal(call, $"NATS: {e.Message}"); }
        }
        catch
        {
            // The guest's writes fail at once instead of waiting for a reader that will never come.
            body?.Dispose();
            throw;
        }

        WitRecord response;
        try
        {
            var result = (WitResult)invocation.Results[0];
            if (!result.IsOk)
            {
                var code = WrpcHttpValues.ToErrorCode(result.Payload!);
                throw new HttpErrorCodeException(code, $"the http-client '{call.Target}' answered {code}");
            }
            response = (WitRecord)result.Payload!;
        }
        catch
        {
            await invocation.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var responseBody = new WrpcResponseBody(invocation, (WrpcStream)response["body"], (WrpcFuture)response["trailers"], call.Target);
        return new OutgoingHttpResponse((ushort)((WitPrimitive)response["status"]).Bits, WrpcHttpValues.ToFields(response["headers"]), responseBody,
            () => responseBody.Trailers);
    }

    /// <summary>The <c>request</c> record: the body streamed from the guest (empty when it has none), then its trailers.</summary>
    private static WitValue Request(HttpRequestHead head, WrpcRequestBody? body)
    {
        var trailers = WrpcOutgoing.Future(async ct =>
        {
            if (body is null) return WitValue.None;
            var fields = await body.Trailers.WaitAsync(ct).ConfigureAwait(false);
            return fields is null ? WitValue.None : WitValue.Some(WrpcHttpValues.FromFields(fields));
        });
        return WrpcHttpValues.Request(head, body is null ? WrpcOutgoing.Bytes(ReadOnlyMemory<byte>.Empty) : WrpcOutgoing.Bytes(body), trailers);
    }

    private static HttpErrorCodeException Internal(ExternalHttpCall call, string reason) =>
        new(HttpErrorCode.InternalError($"http-client '{call.Target}': {reason}"), $"http-client '{call.Target}': {reason}");
}
