using System.Buffers;
using System.Text;
using Lattice.Wit;
using Lattice.Wit.Wrpc;

namespace Lattice.Tests.Wit.Wrpc;

/// <summary>Types from the protocol spec's examples, hex helpers, and a canonical text form of values to compare them.</summary>
internal static class WrpcTestKit
{
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    public static string Hex(ReadOnlySpan<byte> bytes) =>
        string.Join(' ', bytes.ToArray().Select(b => b.ToString("x2")));

    public static byte[] Encode(WitType type, WitValue value, WrpcOptions? options = null) => WrpcEncoder.ToArray(type, value, options);

    public static byte[] EncodeValues(IReadOnlyList<WitType> types, IReadOnlyList<WitValue> values)
    {
        var buffer = new ArrayBufferWriter<byte>();
        WrpcEncoder.EncodeValues(buffer, types, values);
        return buffer.WrittenSpan.ToArray();
    }

    // --- wrpc:keyvalue/store@0.2.0-draft (spec §1.7) ------------------------------------------

    public static readonly VariantType KvError = new([new("no-such-store", null), new("access-denied", null), new("other", WitType.String)]);
    public static readonly ResultType KvGetResult = new(new OptionType(new ListType(WitType.U8)), KvError);
    public static readonly RecordType KeyResponse = new([new("keys", new ListType(WitType.String)), new("cursor", new OptionType(WitType.U64))]);

    // --- wrpc:http@0.1.0 (spec §1.8) ------------------------------------------------------------

    public static readonly ListType Fields = new(new TupleType([WitType.String, new ListType(new ListType(WitType.U8))]));
    public static readonly VariantType Method = new(
        new[] { "get", "head", "post", "put", "delete", "connect", "options", "trace", "patch" }.Select(n => new WitCase(n, null))
            .Append(new WitCase("other", WitType.String)).ToList());
    public static readonly VariantType Scheme = new([new("HTTP", null), new("HTTPS", null), new("other", WitType.String)]);
    public static readonly AsyncValueType BodyStream = new(WitKind.Stream, WitType.U8);
    public static readonly AsyncValueType Trailers = new(WitKind.Future, new OptionType(Fields));

    public static readonly RecordType Request = new([
        new("body", BodyStream), new("trailers", Trailers), new("method", Method),
        new("path-with-query", new OptionType(WitType.String)), new("scheme", new OptionType(Scheme)),
        new("authority", new OptionType(WitType.String)), new("headers", Fields),
    ]);

    public static readonly RecordType Response = new([
        new("body", BodyStream), new("trailers", Trailers), new("status", WitType.U16), new("headers", Fields),
    ]);

    public static readonly VariantType ErrorCode = BuildErrorCode();
    public static readonly ResultType HandleResult = new(Response, ErrorCode);

    private static VariantType BuildErrorCode()
    {
        var fieldSize = new RecordType([new("field-name", new OptionType(WitType.String)), new("field-size", new OptionType(WitType.U32))]);
        var dns = new RecordType([new("rcode", new OptionType(WitType.String)), new("info-code", new OptionType(WitType.U16))]);
        var tls = new RecordType([new("alert-id", new OptionType(WitType.U8)), new("alert-message", new OptionType(WitType.String))]);
        var optU32 = new OptionType(WitType.U32);
        var optU64 = new OptionType(WitType.U64);
        var optStr = new OptionType(WitType.String);
        (string, WitType?)[] cases =
        [
            ("DNS-timeout", null), ("DNS-error", dns), ("destination-not-found", null), ("destination-unavailable", null),
            ("destination-IP-prohibited", null), ("destination-IP-unroutable", null), ("connection-refused", null),
            ("connection-terminated", null), ("connection-timeout", null), ("connection-read-timeout", null),
            ("connection-write-timeout", null), ("connection-limit-reached", null), ("TLS-protocol-error", null),
            ("TLS-certificate-error", null), ("TLS-alert-received", tls), ("HTTP-request-denied", null),
            ("HTTP-request-length-required", null), ("HTTP-request-body-size", optU64), ("HTTP-request-method-invalid", null),
            ("HTTP-request-URI-invalid", null), ("HTTP-request-URI-too-long", null), ("HTTP-request-header-section-size", optU32),
            ("HTTP-request-header-size", new OptionType(fieldSize)), ("HTTP-request-trailer-section-size", optU32),
            ("HTTP-request-trailer-size", fieldSize), ("HTTP-response-incomplete", null), ("HTTP-response-header-section-size", optU32),
            ("HTTP-response-header-size", fieldSize), ("HTTP-response-body-size", optU64), ("HTTP-response-trailer-section-size", optU32),
            ("HTTP-response-trailer-size", fieldSize), ("HTTP-response-transfer-coding", optStr), ("HTTP-response-content-coding", optStr),
            ("HTTP-response-timeout", null), ("HTTP-upgrade-failed", null), ("HTTP-protocol-error", null), ("loop-detected", null),
            ("configuration-error", null), ("internal-error", optStr),
        ];
        return new VariantType(cases.Select(c => new WitCase(c.Item1, c.Item2)).ToList());
    }

    public static WitValue Str(string s) => WitValue.String(s);

    public static WitValue Bytes(params byte[] b) => WitValue.Bytes(b);

    public static WitValue Header(string name, params string[] values) =>
        WitValue.Tuple(Str(name), WitValue.List(values.Select(v => Bytes(Encoding.UTF8.GetBytes(v))).ToList()));

    // --- canonical text, to compare values ------------------------------------------------------

    /// <summary>A text form that tells every value apart (list&lt;u8&gt; as WitList or WitBytes reads the same).</summary>
    public static string Show(WitValue? v) => v switch
    {
        null => "·",
        WitPrimitive p => $"{p.Kind.ToString().ToLowerInvariant()}:{p.Bits:x}",
        WitString s => $"\"{s.Value}\"",
        WitBytes b => $"bytes[{Convert.ToHexString(b.Value.Span)}]",
        WitList l when l.Items.Count > 0 && l.Items.All(i => i.Kind == WitKind.U8) =>
            $"bytes[{Convert.ToHexString(l.Items.Select(i => ((WitPrimitive)i).AsU8()).ToArray())}]",
        WitList l => $"[{string.Join(", ", l.Items.Select(Show))}]",
        WitTuple t => $"({string.Join(", ", t.Items.Select(Show))})",
        WitRecord r => $"{{{string.Join(", ", r.Fields.Select(f => $"{f.Name}: {Show(f.Value)}"))}}}",
        WitVariant x => x.Payload is null ? $"#{x.Case}" : $"#{x.Case}({Show(x.Payload)})",
        WitEnum e => $"enum:{e.Case}",
        WitFlags f => $"flags{{{string.Join(",", f.Set.Order(StringComparer.Ordinal))}}}",
        WitOption o => o.Value is null ? "none" : $"some({Show(o.Value)})",
        WitResult r => $"{(r.IsOk ? "ok" : "err")}({Show(r.Payload)})",
        WrpcHandle h => $"{(h.Owned ? "own" : "borrow")}<{Convert.ToHexString(h.Value.Span)}>",
        WrpcFuture f => f.IsReady ? $"future({Show(f.Value)})" : "future(pending)",
        WrpcStream s => s.IsReady ? $"stream({Show(s.Items)})" : "stream(pending)",
        _ => v.ToString() ?? "?",
    };
}
