// Capability requests to a provider outside the lattice, as a wasmCloud 1.x host sends them: the
// request becomes the wire interface wasmCloud's providers serve (WrpcKeyValue, WrpcMessaging; a
// blobstore request may be several calls with streams, WrpcBlobstore), is
// invoked on `{lattice}.{provider id}` with the `source-id` and `link-name` headers, and the
// results become the ProviderResult our own backend would give. What cannot reach the provider
// (nothing subscribed: NATS 503; a broken answer; NATS itself) is an ExternalCallException with one
// line; the caller's deadline cancels the call.
using Lattice.Actors;
using Lattice.Actors.Providers;
using Lattice.Node.Bridge.Wrpc;
using Lattice.Wit;
using NATS.Client.Core;

namespace Lattice.Node.Bridge.Providers;

internal static class WrpcProviderCalls
{
    /// <summary>The wire call for <paramref name="call"/>, by the interface the component imports.</summary>
    public static WireCall Translate(ExternalProviderCall call) => call.Interface switch
    {
        { Namespace: "wasi", Package: "keyvalue", Interface: "store" or "atomics" or "batch" } => WrpcKeyValue.Translate(call.Interface.Interface, call.Request),
        { Namespace: "wasmcloud", Package: "messaging", Interface: "consumer" } => WrpcMessaging.Translate(call.Request),
        { Namespace: "wasi", Package: "blobstore" } =>
            throw new InvalidOperationException("a blobstore request is several wire calls: WrpcBlobstore sends it"),
        var other => throw new ExternalCallException($"{other} has no wRPC form for a provider outside the lattice ('{call.Target}')"),
    };

    public static async Task<ProviderResult> SendAsync(WrpcClient client, string lattice, ExternalProviderCall call, CancellationToken cancellationToken)
    {
        if (call.Interface is { Namespace: "wasi", Package: "blobstore" })
            return await WrpcBlobstore.SendAsync(client, lattice, call, cancellationToken).ConfigureAwait(false);
        WireCall wire;
        string prefix;
        try
        {
            wire = Translate(call);
            prefix = WrpcSubjects.Prefix(lattice, call.Target);
        }
        catch (ArgumentException e) { throw new ExternalCallException(e.Message); }

        WitValue[] results;
        try
        {
            results = await client.InvokeAsync(prefix, wire.Function, wire.Params, WrpcHeaders.Create(sourceId: call.SourceId, linkName: call.LinkName), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (WrpcNotFoundException) { throw new ExternalCallException($"nothing on the NATS lattice serves {wire.Function} for '{call.Target}'"); }
        catch (WrpcException e) { throw new ExternalCallException(e.Message); }
        catch (Lattice.Wit.Wrpc.WrpcEncodeException e) { throw new ExternalCallException($"cannot send {wire.Function}: {e.Message}"); }
        catch (NatsException e) { throw new ExternalCallException($"NATS: {e.Message}"); }
        try
        {
            return wire.Answer(results.Single());
        }
        catch (Exception e) when (e is InvalidCastException or InvalidOperationException)
        {
            throw new ExternalCallException($"the answer of '{call.Target}' to {wire.Function} does not fit: {e.Message}");
        }
    }
}
