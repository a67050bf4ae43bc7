// wasi:http's `error-code` variant as a C# value.
//
// The variant has 39 cases, most without data and all of whose data is optional (options, or
// records of options), so one class holds any of them: the case name exactly as the WIT spells it
// and the payload as a WitValue. `Of(case)` fills a payload with "none"s, which is valid for every
// case; the few payloads a host actually reports (an internal-error message, a body size, DNS
// details) have their own factories.
using Lattice.Wit;

namespace Lattice.Wasi.Http;

public sealed class HttpErrorCode
{
    private enum Payload { None, Option, DnsError, TlsAlert, FieldSize }

    // In the WIT's order (the order gives the discriminants guests see).
    private static readonly (string Case, Payload Payload)[] s_cases =
    [
        ("DNS-timeout", Payload.None), ("DNS-error", Payload.DnsError), ("destination-not-found", Payload.None),
        ("destination-unavailable", Payload.None), ("destination-IP-prohibited", Payload.None),
        ("destination-IP-unroutable", Payload.None), ("connection-refused", Payload.None),
        ("connection-terminated", Payload.None), ("connection-timeout", Payload.None),
        ("connection-read-timeout", Payload.None), ("connection-write-timeout", Payload.None),
        ("connection-limit-reached", Payload.None), ("TLS-protocol-error", Payload.None),
        ("TLS-certificate-error", Payload.None), ("TLS-alert-received", Payload.TlsAlert),
        ("HTTP-request-denied", Payload.None), ("HTTP-request-length-required", Payload.None),
        ("HTTP-request-body-size", Payload.Option), ("HTTP-request-method-invalid", Payload.None),
        ("HTTP-request-URI-invalid", Payload.None), ("HTTP-request-URI-too-long", Payload.None),
        ("HTTP-request-header-section-size", Payload.Option), ("HTTP-request-header-size", Payload.Option),
        ("HTTP-request-trailer-section-size", Payload.Option), ("HTTP-request-trailer-size", Payload.FieldSize),
        ("HTTP-response-incomplete", Payload.None), ("HTTP-response-header-section-size", Payload.Option),
        ("HTTP-response-header-size", Payload.FieldSize), ("HTTP-response-body-size", Payload.Option),
        ("HTTP-response-trailer-section-size", Payload.Option), ("HTTP-response-trailer-size", Payload.FieldSize),
        ("HTTP-response-transfer-coding", Payload.Option), ("HTTP-response-content-coding", Payload.Option),
        ("HTTP-response-timeout", Payload.None), ("HTTP-upgrade-failed", Payload.None),
        ("HTTP-protocol-error", Payload.None), ("loop-detected", Payload.None),
        ("configuration-error", Payload.None), ("internal-error", Payload.Option),
    ];

    private HttpErrorCode(string @case, WitValue? payload)
    {
        Case = @case;
        Value = payload;
    }

    /// <summary>The case name as the WIT spells it, e.g. <c>HTTP-request-denied</c>.</summary>
    public string Case { get; }

    /// <summary>The case's data (null for cases without data).</summary>
    public WitValue? Value { get; }

    /// <summary>The text of an <c>internal-error</c>, if it has one.</summary>
    public string? Message => Case == "internal-error" && Value is WitOption { Value: WitString s } ? s.Value : null;

    public static HttpErrorCode RequestDenied { get; } = new("HTTP-request-denied", null);
    public static HttpErrorCode RequestUriInvalid { get; } = new("HTTP-request-URI-invalid", null);
    public static HttpErrorCode RequestMethodInvalid { get; } = new("HTTP-request-method-invalid", null);
    public static HttpErrorCode DestinationNotFound { get; } = new("destination-not-found", null);
    public static HttpErrorCode DestinationUnavailable { get; } = new("destination-unavailable", null);
    public static HttpErrorCode ConnectionRefused { get; } = new("connection-refused", null);
    public static HttpErrorCode ConnectionTerminated { get; } = new("connection-terminated", null);
    public static HttpErrorCode ConnectionTimeout { get; } = new("connection-timeout", null);
    public static HttpErrorCode ConnectionReadTimeout { get; } = new("connection-read-timeout", null);
    public static HttpErrorCode ConnectionLimitReached { get; } = new("connection-limit-reached", null);
    public static HttpErrorCode TlsProtocolError { get; } = new("TLS-protocol-error", null);
    public static HttpErrorCode TlsCertificateError { get; } = new("TLS-certificate-error", null);
    public static HttpErrorCode ResponseIncomplete { get; } = new("HTTP-response-incomplete", null);
    public static HttpErrorCode ResponseTimeout { get; } = new("HTTP-response-timeout", null);
    public static HttpErrorCode ProtocolError { get; } = new("HTTP-protocol-error", null);
    public static HttpErrorCode ConfigurationError { get; } = new("configuration-error", null);

    public static HttpErrorCode InternalError(string? message) =>
        new("internal-error", message is null ? WitValue.None : WitValue.Some(WitValue.String(message)));

    public static HttpErrorCode DnsError(string? rcode = null, ushort? infoCode = null) =>
        new("DNS-error", WitValue.Record(
            ("rcode", rcode is null ? WitValue.None : WitValue.Some(WitValue.String(rcode))),
            ("info-code", infoCode is { } c ? WitValue.Some(WitValue.U16(c)) : WitValue.None)));

    public static HttpErrorCode RequestBodySize(ulong? size) => new("HTTP-request-body-size", OptionalU64(size));

    public static HttpErrorCode ResponseBodySize(ulong? size) => new("HTTP-response-body-size", OptionalU64(size));

    /// <summary>Any case by its WIT name, with its data (if it has any) left empty.</summary>
    /// <exception cref="ArgumentException"><paramref name="case"/> is not a case of <c>error-code</c>.</exception>
    public static HttpErrorCode Of(string @case)
    {
        foreach (var (name, payload) in s_cases)
            if (name == @case) return new(name, EmptyPayload(payload));
        throw new ArgumentException($"'{@case}' is not a case of wasi:http error-code", nameof(@case));
    }

    /// <summary>Reads a guest's <c>error-code</c> value (already type-checked by Wasmtime).</summary>
    internal static HttpErrorCode FromWit(WitValue value) => value is WitVariant v
        ? new HttpErrorCode(v.Case, v.Payload)
        : throw new InvalidOperationException($"expected an error-code variant, got {value.Kind}");

    internal WitValue ToWit() => WitValue.Variant(Case, Value);

    public override string ToString() => Message is { } m ? $"{Case}: {m}" : Value is null or WitOption { IsSome: false } ? Case : $"{Case} ({WitJson.ToJson(Value, null)})";

    private static WitValue OptionalU64(ulong? v) => v is { } n ? WitValue.Some(WitValue.U64(n)) : WitValue.None;

    private static WitValue? EmptyPayload(Payload payload) => payload switch
    {
        Payload.Option => WitValue.None,
        Payload.DnsError => WitValue.Record(("rcode", WitValue.None), ("info-code", WitValue.None)),
        Payload.TlsAlert => WitValue.Record(("alert-id", WitValue.None), ("alert-message", WitValue.None)),
        Payload.FieldSize => WitValue.Record(("field-name", WitValue.None), ("field-size", WitValue.None)),
        _ => null,
    };
}

/// <summary>
/// Thrown by an <see cref="IOutgoingHttp"/> (or a body stream it returned) to report a typed wasi:http
/// error to the guest, e.g. <see cref="HttpErrorCode.ConnectionRefused"/>. Any other exception reaches
/// the guest as <c>internal-error</c> with the exception's message.
/// </summary>
public sealed class HttpErrorCodeException(HttpErrorCode code, string? message = null)
    : Exception(message ?? code.ToString())
{
    public HttpErrorCode Code { get; } = code;
}
