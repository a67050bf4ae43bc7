// wasmcloud:messaging@0.2.0 as a lattice provider over core NATS.
//
// Two directions, as in wasmCloud:
//  - consumer (a component imports it, links to the provider): `publish` and `request` become
//    ProviderRequests to the provider, which may run on another host and owns the NATS connection;
//  - handler (a component exports it; the provider links to the component): the provider subscribes
//    to the subjects its link's source config lists and calls the component's `handle-message`
//    for every message, through the lattice like any other call.
// Failures are the functions' own `result<_, string>` errors, never traps.
using Lattice.Actors.Providers;
using Lattice.Model;
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Providers.Messaging;

public sealed class MessagingProvider : ICapabilityProvider
{
    public string Kind => "messaging-nats";

    public IReadOnlyList<string> Interfaces { get; } = ["wasmcloud:messaging/consumer"];

    public IProviderBackend Open(ProviderContext context) => new NatsMessaging(context);

    public void Bind(LinkerInstance target, WitInterfaceName iface, IProviderChannel channel)
    {
        if (iface.Interface != "consumer") return;
        target.Func("publish", (call, args) =>
        {
            var message = BrokerMessage.From(args[0]);
            var result = channel.Send(call, new ProviderRequest("publish", message.Header(), message.Body));
            return result.Error is { } error ? WitValue.Err(WitValue.String(error)) : WitValue.Ok(null);
        });
        target.Func("request", (call, args) =>
        {
            var timeoutMs = Math.Max(1u, args[2].AsU32());
            var result = channel.Send(call, new ProviderRequest("request", [args[0].AsString()], args[1].AsBytes().ToArray(), timeoutMs));
            if (result.Error is { } error) return WitValue.Err(WitValue.String(error));
            var items = result.Items ?? [];
            return WitValue.Ok(new BrokerMessage(items.ElementAtOrDefault(0) ?? "", result.Payload ?? [], items.ElementAtOrDefault(1)).ToWit());
        });
    }
}
