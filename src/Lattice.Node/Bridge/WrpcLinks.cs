// Links whose target is outside this lattice (a wasmCloud component or provider on the same NATS
// lattice): the call goes out with wRPC on `{lattice}.{target}.wrpc.0.0.1.{instance}.{function}`,
// with wasmCloud's `source-id` and `link-name` headers, as a wasmCloud host would send it. Requests
// of our capability bindings (wasi:keyvalue, wasmcloud:messaging) go to a wasmCloud provider under
// the wire names its providers serve (Providers/WrpcProviderCalls); a component's outgoing HTTP
// goes to a wasmCloud http-client provider as wrpc:http/outgoing-handler (Http/WrpcOutgoingHttp);
// an HTTP request our http-server provider routes to a wasmCloud component goes to it as
// wrpc:http/incoming-handler, as wasmCloud's http-server sends it (Http/WrpcIncomingHttpClient).
// Installed as ExternalLinks.Current while the bridge runs.
using Lattice.Actors;
using Lattice.Actors.Providers;
using Lattice.Node.Bridge.Http;
using Lattice.Node.Bridge.Providers;
using Lattice.Node.Bridge.Wrpc;
using Lattice.Wasi.Http;
using Lattice.Wit;
using NATS.Client.Core;

namespace Lattice.Node.Bridge;

/// <param name="servedHere">Whether this bridge serves that component id itself (see ComponentServing.Serves).</param>
internal sealed class WrpcLinks(INatsConnection nats, string lattice, Func<string, bool> servedHere) : IExternalLinks, IAsyncDisposable
{
    private readonly WrpcClient _client = new(nats, new WrpcClientOptions { Timeout = TimeSpan.FromMinutes(10) });

    public async Task<WitValue?> CallAsync(ExternalCall call, CancellationToken cancellationToken = default)
    {
        WrpcFunction function;
        string prefix;
        try
        {
            prefix = WrpcSubjects.Prefix(lattice, call.Target);
            function = new WrpcFunction(call.Instance, WrpcFunction.WireName(call.Function), call.Type.Params.Select(p => p.Type).ToList(),
                call.Type.Result is null ? [] : [call.Type.Result]);
        }
        catch (ArgumentException e) { throw new ExternalCallException(e.Message); }

        WitValue[] results;
        try
        {
            results = await _client.InvokeAsync(prefix, function, call.Args, WrpcHeaders.Create(sourceId: call.SourceId, linkName: call.LinkName), cancellationToken);
        }
        catch (WrpcNotFoundException) { throw new ExternalCallException($"nothing on the NATS lattice serves {function} for '{call.Target}'"); }
        catch (WrpcException e) { throw new ExternalCallException(e.Message); }
        catch (Lattice.Wit.Wrpc.WrpcEncodeException e) { throw new ExternalCallException($"cannot send {function}: {e.Message}"); }
        catch (NatsException e) { throw new ExternalCallException($"NATS: {e.Message}"); }
        return results.Length == 0 ? null : results[0];
    }

    public Task<ProviderResult> SendAsync(ExternalProviderCall call, CancellationToken cancellationToken = default) =>
        WrpcProviderCalls.SendAsync(_client, lattice, call, cancellationToken);

    public Task<OutgoingHttpResponse> SendHttpAsync(ExternalHttpCall call, CancellationToken cancellationToken = default) =>
        WrpcOutgoingHttp.SendAsync(_client, lattice, call, cancellationToken);

    public Task<HttpAnswer> ServeHttpAsync(ExternalHttpServe call, CancellationToken cancellationToken = default) =>
        servedHere(call.ComponentId)
            // One of ours that just left the desired state, still subscribed for a moment: going out would reach ourselves.
            ? Task.FromResult(HttpAnswer.Failed(503, $"component '{call.ComponentId}' is stopping"))
            : WrpcIncomingHttpClient.ServeAsync(_client, lattice, call, cancellationToken);

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
