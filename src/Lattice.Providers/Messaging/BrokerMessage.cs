using System.Text.Json;
using Lattice.Wit;

namespace Lattice.Providers.Messaging;

/// <summary><c>wasmcloud:messaging/types.broker-message</c>: subject, body and an optional reply subject.</summary>
internal sealed record BrokerMessage(string Subject, byte[] Body, string? ReplyTo)
{
    public static BrokerMessage From(WitValue record)
    {
        var r = (WitRecord)record;
        return new BrokerMessage(r["subject"].AsString(), r["body"].AsBytes().ToArray(),
            r["reply-to"] is WitOption { Value: { } reply } ? reply.AsString() : null);
    }

    public WitValue ToWit() => WitValue.Record(
        ("subject", WitValue.String(Subject)),
        ("body", WitValue.Bytes(Body)),
        ("reply-to", ReplyTo is null ? WitValue.None : WitValue.Some(WitValue.String(ReplyTo))));

    /// <summary>Subject and reply subject as request arguments (the body travels as the payload).</summary>
    public string[] Header() => ReplyTo is null ? [Subject] : [Subject, ReplyTo];

    /// <summary>The JSON form of the record, the argument of a <c>handle-message</c> call.</summary>
    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["subject"] = Subject,
        ["body"] = Body.Select(b => (int)b).ToArray(),
        ["reply-to"] = ReplyTo,
    });
}
