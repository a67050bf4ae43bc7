using Lattice.Node.Bridge.Wrpc;
using Lattice.Wit;
using Lattice.Wit.Wrpc;

namespace Lattice.Node.Tests.Wrpc;

/// <summary>The WIT shapes the specs call: wrpc:keyvalue/store and wrpc:http@0.1.0 as the protocol spec §1.7/§1.8 gives them.</summary>
internal static class WrpcTestTypes
{
    public static readonly VariantType KvError = new([new("no-such-store", null), new("access-denied", null), new("other", WitType.String)]);
    public static readonly ResultType KvGetResult = new(new OptionType(new ListType(WitType.U8)), KvError);
    public static readonly WrpcFunction KvGet = new("wrpc:keyvalue/store@0.2.0-draft", "get", [WitType.String, WitType.String], [KvGetResult]);

    public static readonly ListType Fields = new(new TupleType([WitType.String, new ListType(new ListType(WitType.U8))]));
    public static readonly AsyncValueType Body = new(WitKind.Stream, WitType.U8);
    public static readonly AsyncValueType Trailers = new(WitKind.Future, new OptionType(Fields));
    public static readonly VariantType Method = new([
        new("get", null), new("head", null), new("post", null), new("put", null), new("delete", null),
        new("connect", null), new("options", null), new("trace", null), new("patch", null), new("other", WitType.String)]);
    public static readonly VariantType Scheme = new([new("HTTP", null), new("HTTPS", null), new("other", WitType.String)]);
    public static readonly RecordType Request = new([
        new("body", Body), new("trailers", Trailers), new("method", Method), new("path-with-query", new OptionType(WitType.String)),
        new("scheme", new OptionType(Scheme)), new("authority", new OptionType(WitType.String)), new("headers", Fields)]);
    public static readonly RecordType Response = new([new("body", Body), new("trailers", Trailers), new("status", WitType.U16), new("headers", Fields)]);

    // wasi:http error-code has 39 cases; only the last one (internal-error) carries what the specs use.
    public static readonly VariantType ErrorCode = new([.. Enumerable.Range(0, 38).Select(i => new WitCase($"code-{i}", null)), new("internal-error", new OptionType(WitType.String))]);
    public static readonly WrpcFunction HttpHandle = new("wrpc:http/incoming-handler@0.1.0", "handle", [Request], [new ResultType(Response, ErrorCode)]);

    public static WitValue Str(string s) => WitValue.String(s);

    public static WitValue Header(string name, string value) =>
        WitValue.Tuple(Str(name), WitValue.List([WitValue.Bytes(System.Text.Encoding.UTF8.GetBytes(value))]));

    /// <summary>Asserts two values are the same by their wRPC bytes (the codec's own encoding).</summary>
    public static void Same(WitType type, WitValue expected, WitValue actual) =>
        Assert.Equal(Convert.ToHexStringLower(WrpcEncoder.ToArray(type, expected)), Convert.ToHexStringLower(WrpcEncoder.ToArray(type, actual)));

    public static ValueTask<IReadOnlyList<WitValue>> Results(params WitValue[] values) => new(values);
}
