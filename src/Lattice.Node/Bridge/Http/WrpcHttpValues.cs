// Between wrpc:http values (WrpcHttpTypes) and the lattice's HTTP shapes (HttpRequestHead,
// HttpField, HttpErrorCode). A request whose head cannot be served as HTTP (a method that is not a
// token, a scheme or target with spaces or control characters) is refused with the wasi:http error
// that names the problem, before anything reaches the lattice. Header names and values that HTTP
// does not allow are left to the exchange, which drops them before the guest sees them, as it does
// for requests from the http-server.
using Lattice.Wasi.Http;
using Lattice.Wit;

namespace Lattice.Node.Bridge.Http;

internal static class WrpcHttpValues
{
    /// <summary>The head of a decoded <c>request</c> record (type-checked by the codec).</summary>
    /// <exception cref="WrpcHttpRefusal">The head is not a valid HTTP request head.</exception>
    public static HttpRequestHead ToHead(WitRecord request)
    {
        var method = Method((WitVariant)request["method"]);
        var path = OptionalString(request["path-with-query"]);
        if (path is not null && !IsVisibleAscii(path, allowHash: false))
            throw new WrpcHttpRefusal(HttpErrorCode.RequestUriInvalid, $"path-with-query '{path}' is not a valid request target");
        var scheme = request["scheme"] is WitOption { Value: WitVariant s } ? Scheme(s) : null;
        var headers = ToFields(request["headers"]);
        // A client that gave no authority still said where it was going if it sent `host`.
        var authority = OptionalString(request["authority"])
                        ?? headers.Where(h => h.Name.Equals("host", StringComparison.OrdinalIgnoreCase)).Select(h => h.ValueText).FirstOrDefault();
        if (authority is not null && (authority.Length == 0 || !IsVisibleAscii(authority, allowHash: false) || authority.Contains('/')))
            throw new WrpcHttpRefusal(HttpErrorCode.RequestUriInvalid, $"authority '{authority}' is not a valid host[:port]");
        return new HttpRequestHead(method, scheme, authority, path, headers);
    }

    /// <summary><c>fields</c> as one HttpField per value, in order.</summary>
    public static IReadOnlyList<HttpField> ToFields(WitValue fields)
    {
        var result = new List<HttpField>();
        foreach (var entry in ((WitList)fields).Items)
        {
            var pair = (WitTuple)entry;
            var name = pair.Items[0].AsString();
            foreach (var value in ((WitList)pair.Items[1]).Items) result.Add(new HttpField(name, value.AsBytes().ToArray()));
        }
        return result;
    }

    /// <summary>HttpFields as <c>fields</c>: repeated names become one entry with several values, in first-seen order.</summary>
    public static WitValue FromFields(IReadOnlyList<HttpField> fields)
    {
        var entries = new List<(string Name, List<WitValue> Values)>();
        foreach (var field in fields)
        {
            var at = entries.FindIndex(e => e.Name.Equals(field.Name, StringComparison.OrdinalIgnoreCase));
            if (at < 0)
            {
                at = entries.Count;
                entries.Add((field.Name, []));
            }
            entries[at].Values.Add(WitValue.Bytes(field.Value));
        }
        return WitValue.List(entries.Select(e => WitValue.Tuple(WitValue.String(e.Name), WitValue.List(e.Values))).ToList());
    }

    public static WitValue ErrorCode(HttpErrorCode code) => WitValue.Variant(code.Case, code.Value);

    /// <summary>
    /// A decoded <c>error-code</c> as an HttpErrorCode. The payloads a guest can act on (an internal-error's text,
    /// DNS details, body sizes) are kept; the other cases' optional details (TLS alert, field sizes) are left empty.
    /// </summary>
    public static HttpErrorCode ToErrorCode(WitValue code)
    {
        var variant = (WitVariant)code;
        switch (variant.Case)
        {
            case "internal-error":
                return HttpErrorCode.InternalError(OptionalString(variant.Payload!));
            case "DNS-error":
                var dns = (WitRecord)variant.Payload!;
                return HttpErrorCode.DnsError(OptionalString(dns["rcode"]), dns["info-code"] is WitOption { Value: WitPrimitive info } ? (ushort)info.Bits : null);
            case "HTTP-request-body-size":
                return HttpErrorCode.RequestBodySize(OptionalU64(variant.Payload!));
            case "HTTP-response-body-size":
                return HttpErrorCode.ResponseBodySize(OptionalU64(variant.Payload!));
            default:
                return HttpErrorCode.Of(variant.Case);
        }
    }

    /// <summary>
    /// A <c>request</c> record for <paramref name="head"/> with its body stream and trailers future, as
    /// wasmCloud sends a request: no scheme means https, no path-with-query means <c>/</c>.
    /// </summary>
    public static WitValue Request(HttpRequestHead head, WitValue body, WitValue trailers)
    {
        var scheme = (head.Scheme ?? "https").ToLowerInvariant() switch
        {
            "http" => WitValue.Variant("HTTP"),
            "https" => WitValue.Variant("HTTPS"),
            _ => WitValue.Variant("other", WitValue.String(head.Scheme!)),
        };
        return WitValue.Record(
            ("body", body),
            ("trailers", trailers),
            ("method", FromMethod(head.Method)),
            ("path-with-query", WitValue.Some(WitValue.String(head.PathWithQuery ?? "/"))),
            ("scheme", WitValue.Some(scheme)),
            ("authority", head.Authority is null ? WitValue.None : WitValue.Some(WitValue.String(head.Authority))),
            ("headers", FromFields(head.Headers)));
    }

    /// <summary><c>option&lt;request-options&gt;</c>: none when the guest set no timeout, else each as u64 nanoseconds.</summary>
    public static WitValue FromTimeouts(HttpTimeouts timeouts)
    {
        if (timeouts.Connect is null && timeouts.FirstByte is null && timeouts.BetweenBytes is null) return WitValue.None;
        return WitValue.Some(WitValue.Record(
            ("connect-timeout", Nanoseconds(timeouts.Connect)),
            ("first-byte-timeout", Nanoseconds(timeouts.FirstByte)),
            ("between-bytes-timeout", Nanoseconds(timeouts.BetweenBytes))));
    }

    private static WitValue Nanoseconds(TimeSpan? t) => t switch
    {
        null => WitValue.None,
        { Ticks: <= 0 } => WitValue.Some(WitValue.U64(0)),
        { Ticks: var ticks } => WitValue.Some(WitValue.U64((ulong)ticks > ulong.MaxValue / 100 ? ulong.MaxValue : (ulong)ticks * 100)),
    };

    // Methods are case-sensitive: only the exact upper-case names are the standard cases.
    private static WitValue FromMethod(string method) => method switch
    {
        "GET" or "HEAD" or "POST" or "PUT" or "DELETE" or "CONNECT" or "OPTIONS" or "TRACE" or "PATCH" => WitValue.Variant(method.ToLowerInvariant()),
        _ => WitValue.Variant("other", WitValue.String(method)),
    };

    private static ulong? OptionalU64(WitValue value) => value is WitOption { Value: WitPrimitive n } ? n.Bits : null;

    private static string Method(WitVariant method)
    {
        if (method.Case != "other") return method.Case.ToUpperInvariant();
        var name = method.Payload!.AsString();
        if (name.Length == 0 || !name.All(IsTokenChar))
            throw new WrpcHttpRefusal(HttpErrorCode.RequestMethodInvalid, $"'{name}' is not a valid HTTP method");
        return name;
    }

    private static string Scheme(WitVariant scheme)
    {
        switch (scheme.Case)
        {
            case "HTTP": return "http";
            case "HTTPS": return "https";
        }
        var name = scheme.Payload!.AsString();
        // RFC 3986: a letter, then letters, digits, '+', '-', '.'.
        if (name.Length == 0 || !char.IsAsciiLetter(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
            throw new WrpcHttpRefusal(HttpErrorCode.RequestUriInvalid, $"'{name}' is not a valid URI scheme");
        return name;
    }

    private static string? OptionalString(WitValue value) => value is WitOption { Value: { } v } ? v.AsString() : null;

    private static bool IsVisibleAscii(string s, bool allowHash) => s.All(c => c > ' ' && c < 0x7F && (allowHash || c != '#'));

    // RFC 9110 tchar.
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c);
}

/// <summary>A request the lattice is not asked to serve; the caller gets <c>err(<see cref="Code"/>)</c>.</summary>
internal sealed class WrpcHttpRefusal(HttpErrorCode code, string message) : Exception(message)
{
    public HttpErrorCode Code { get; } = code;
}
