using Lattice.Node.Bridge.Http;
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

    // wrpc:http@0.1.0 as the bridge serves it (§1.8); the spec tests check its bytes against the spec's own.
    public static readonly ListType Fields = WrpcHttpTypes.Fields;
    public static readonly AsyncValueType Body = WrpcHttpTypes.Body;
    public static readonly AsyncValueType Trailers = WrpcHttpTypes.Trailers;
    public static readonly VariantType Method = WrpcHttpTypes.Method;
    public static readonly VariantType Scheme = WrpcHttpTypes.Scheme;
    public static readonly RecordType Request = WrpcHttpTypes.Request;
    public static readonly RecordType Response = WrpcHttpTypes.Response;
    public static readonly VariantType ErrorCode = WrpcHttpTypes.ErrorCode;
    public static readonly WrpcFunction HttpHandle = WrpcHttpTypes.Handle;

    public static WitValue Str(string s) => WitValue.String(s);

    public static WitValue Header(string name, string value) =>
        WitValue.Tuple(Str(name), WitValue.List([WitValue.Bytes(System.Text.Encoding.UTF8.GetBytes(value))]));

    /// <summary>Asserts two values are the same by their wRPC bytes (the codec's own encoding).</summary>
    public static void Same(WitType type, WitValue expected, WitValue actual) =>
        Assert.Equal(Convert.ToHexStringLower(WrpcEncoder.ToArray(type, expected)), Convert.ToHexStringLower(WrpcEncoder.ToArray(type, actual)));

    public static ValueTask<IReadOnlyList<WitValue>> Results(params WitValue[] values) => new(values);
}
