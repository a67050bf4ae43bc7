// wasmcloud:messaging/consumer@0.2.0 requests to a wasmCloud messaging provider (messaging-nats,
// messaging-kafka...). The component-side interface is the wire interface (protocol spec §1.9):
// `request(subject, body, timeout-ms) -> result<broker-message, string>` and
// `publish(msg: broker-message) -> result<_, string>`; the string error is our error text.
//
// Requests arrive as MessagingProvider's binding makes them: publish has Args [subject, reply-to?]
// and the body in Payload; request has Args [subject], the body and the timeout in ms in Number. A
// request's answer carries the reply's body in Payload and [subject, reply-to?] in Items.
using Lattice.Actors;
using Lattice.Actors.Providers;
using Lattice.Node.Bridge.Wrpc;
using Lattice.Wit;

namespace Lattice.Node.Bridge.Providers;

internal static class WrpcMessaging
{
    public const string Consumer = "wasmcloud:messaging/consumer@0.2.0";

    private static readonly WitType Bytes = new ListType(WitType.U8);
    private static readonly WitType BrokerMessage = new RecordType([new("subject", WitType.String), new("body", Bytes), new("reply-to", new OptionType(WitType.String))]);

    public static WireCall Translate(ProviderRequest request) => (request.Operation, request.Args) switch
    {
        ("publish", [var subject, .. var reply]) when reply.Length <= 1 => new WireCall(
            new WrpcFunction(Consumer, "publish", [BrokerMessage], [new ResultType(null, WitType.String)]),
            [WitValue.Record(("subject", WitValue.String(subject)), ("body", WitValue.Bytes(request.Payload ?? [])),
                ("reply-to", reply is [var to] ? WitValue.Some(WitValue.String(to)) : WitValue.None))],
            result => Answer(result, _ => ProviderResult.Done)),
        ("request", [var subject]) => new WireCall(
            new WrpcFunction(Consumer, "request", [WitType.String, Bytes, WitType.U32], [new ResultType(BrokerMessage, WitType.String)]),
            [WitValue.String(subject), WitValue.Bytes(request.Payload ?? []), WitValue.U32((uint)Math.Min(request.Number, uint.MaxValue))],
            result => Answer(result, Reply)),
        _ => throw new ExternalCallException($"wasmcloud:messaging/consumer has no operation '{request.Operation}' with {request.Args.Length} argument(s)"),
    };

    private static ProviderResult Answer(WitValue result, Func<WitValue?, ProviderResult> ok) =>
        result is WitResult { IsOk: true } r ? ok(r.Payload) : ProviderResult.Fail(((WitResult)result).Payload?.AsString() ?? "the messaging provider failed");

    private static ProviderResult Reply(WitValue? value)
    {
        var message = (WitRecord)value!;
        var subject = message["subject"].AsString();
        return new ProviderResult(Payload: message["body"].AsBytes().ToArray(),
            Items: message["reply-to"] is WitOption { Value: { } to } ? [subject, to.AsString()] : [subject], Found: true);
    }
}
