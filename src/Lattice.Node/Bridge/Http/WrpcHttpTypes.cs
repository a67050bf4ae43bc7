// The WIT of `wrpc:http@0.1.0` as wasmCloud 1.x puts it on the wire (protocol spec §1.8;
// upstream wrpc/http `wit/types.wit`, `wit/handler.wit`): the request and response records with
// their streamed body and future trailers, and wasi:http 0.2.0's method, scheme and error-code,
// which that package reuses. The codec reads and writes values with these types, so field and
// case order here is the wire format: it follows the WIT exactly.
using Lattice.Node.Bridge.Wrpc;
using Lattice.Wit;

namespace Lattice.Node.Bridge.Http;

internal static class WrpcHttpTypes
{
    /// <summary>The instance a component exporting <c>wasi:http/incoming-handler@0.2.x</c> is served as.</summary>
    public const string IncomingHandler = "wrpc:http/incoming-handler@0.1.0";

    /// <summary>The instance a component's <c>wasi:http/outgoing-handler@0.2.x</c> requests are sent to (an http-client provider).</summary>
    public const string OutgoingHandler = "wrpc:http/outgoing-handler@0.1.0";

    /// <summary><c>fields</c>: each name with its list of raw values.</summary>
    public static readonly ListType Fields = new(new TupleType([WitType.String, new ListType(new ListType(WitType.U8))]));

    public static readonly AsyncValueType Body = new(WitKind.Stream, WitType.U8);

    public static readonly AsyncValueType Trailers = new(WitKind.Future, new OptionType(Fields));

    /// <summary>wasi:http <c>method</c>: cases 0..8 are the standard methods, 9 is <c>other(string)</c>.</summary>
    public static readonly VariantType Method = new([
        new("get", null), new("head", null), new("post", null), new("put", null), new("delete", null),
        new("connect", null), new("options", null), new("trace", null), new("patch", null), new("other", WitType.String)]);

    public static readonly VariantType Scheme = new([new("HTTP", null), new("HTTPS", null), new("other", WitType.String)]);

    public static readonly RecordType Request = new([
        new("body", Body), new("trailers", Trailers), new("method", Method), new("path-with-query", new OptionType(WitType.String)),
        new("scheme", new OptionType(Scheme)), new("authority", new OptionType(WitType.String)), new("headers", Fields)]);

    public static readonly RecordType Response = new([new("body", Body), new("trailers", Trailers), new("status", WitType.U16), new("headers", Fields)]);

    private static readonly RecordType DnsErrorPayload = new([new("rcode", new OptionType(WitType.String)), new("info-code", new OptionType(WitType.U16))]);

    private static readonly RecordType TlsAlertReceivedPayload = new([new("alert-id", new OptionType(WitType.U8)), new("alert-message", new OptionType(WitType.String))]);

    private static readonly RecordType FieldSizePayload = new([new("field-name", new OptionType(WitType.String)), new("field-size", new OptionType(WitType.U32))]);

    private static readonly OptionType OptionU32 = new(WitType.U32);
    private static readonly OptionType OptionU64 = new(WitType.U64);
    private static readonly OptionType OptionString = new(WitType.String);

    /// <summary>wasi:http@0.2.0 <c>error-code</c>: 39 cases, discriminants 0 (DNS-timeout) to 38 (internal-error).</summary>
    public static readonly VariantType ErrorCode = new([
        new("DNS-timeout", null),
        new("DNS-error", DnsErrorPayload),
        new("destination-not-found", null),
        new("destination-unavailable", null),
        new("destination-IP-prohibited", null),
        new("destination-IP-unroutable", null),
        new("connection-refused", null),
        new("connection-terminated", null),
        new("connection-timeout", null),
        new("connection-read-timeout", null),
        new("connection-write-timeout", null),
        new("connection-limit-reached", null),
        new("TLS-protocol-error", null),
        new("TLS-certificate-error", null),
        new("TLS-alert-received", TlsAlertReceivedPayload),
        new("HTTP-request-denied", null),
        new("HTTP-request-length-required", null),
        new("HTTP-request-body-size", OptionU64),
        new("HTTP-request-method-invalid", null),
        new("HTTP-request-URI-invalid", null),
        new("HTTP-request-URI-too-long", null),
        new("HTTP-request-header-section-size", OptionU32),
        new("HTTP-request-header-size", new OptionType(FieldSizePayload)),
        new("HTTP-request-trailer-section-size", OptionU32),
        new("HTTP-request-trailer-size", FieldSizePayload),
        new("HTTP-response-incomplete", null),
        new("HTTP-response-header-section-size", OptionU32),
        new("HTTP-response-header-size", FieldSizePayload),
        new("HTTP-response-body-size", OptionU64),
        new("HTTP-response-trailer-section-size", OptionU32),
        new("HTTP-response-trailer-size", FieldSizePayload),
        new("HTTP-response-transfer-coding", OptionString),
        new("HTTP-response-content-coding", OptionString),
        new("HTTP-response-timeout", null),
        new("HTTP-upgrade-failed", null),
        new("HTTP-protocol-error", null),
        new("loop-detected", null),
        new("configuration-error", null),
        new("internal-error", OptionString),
    ]);

    /// <summary><c>handle: func(request: request) -> result&lt;response, error-code&gt;</c>.</summary>
    public static readonly WrpcFunction Handle = new(IncomingHandler, "handle", [Request], [new ResultType(Response, ErrorCode)]);

    /// <summary><c>request-options</c>: each timeout a <c>duration</c> (u64 nanoseconds), none where the guest set none.</summary>
    public static readonly RecordType RequestOptions = new([
        new("connect-timeout", OptionU64), new("first-byte-timeout", OptionU64), new("between-bytes-timeout", OptionU64)]);

    /// <summary>Outgoing-handler <c>handle: func(request: request, options: option&lt;request-options&gt;) -> result&lt;response, error-code&gt;</c>.</summary>
    public static readonly WrpcFunction OutgoingHandle = new(OutgoingHandler, "handle", [Request, new OptionType(RequestOptions)],
        [new ResultType(Response, ErrorCode)]);
}
