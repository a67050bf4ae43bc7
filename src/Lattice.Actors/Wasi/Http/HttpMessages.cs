// The objects behind wasi:http's request and response handles, and the WIT forms of method and
// scheme. Each holds its head (frozen headers: a request's or response's `headers()` is immutable)
// and hands out its body once, as the WIT says (`consume`, `body`: the second call fails).
using Lattice.Wit;

namespace Lattice.Wasi.Http;

/// <summary><c>incoming-request</c>: what a server received, as the guest's incoming-handler sees it.</summary>
internal sealed class IncomingRequest(HttpRequestHead head, BodySource body)
{
    private bool _consumed;

    public HttpRequestHead Head { get; } = head;

    public HttpFields Headers { get; } = HttpFields.FromOutside(head.Headers);

    public IncomingBody? Consume()
    {
        if (_consumed) return null;
        _consumed = true;
        return new IncomingBody(body);
    }
}

/// <summary><c>outgoing-request</c>: a request the guest builds for outgoing-handler.handle.</summary>
internal sealed class OutgoingRequest(HttpFields headers)
{
    public HttpFields Headers { get; } = headers.Freeze();

    public string Method { get; set; } = "GET";
    public string? Scheme { get; set; }
    public string? Authority { get; set; }
    public string? PathWithQuery { get; set; }

    /// <summary>The body, once the guest asked for it (a request whose body was never asked for has none).</summary>
    public OutgoingBody? Body { get; private set; }

    public OutgoingBody? TakeBody()
    {
        if (Body is not null) return null;
        return Body = new OutgoingBody(Headers.ContentLength, isResponse: false);
    }

    public HttpRequestHead Head => new(Method, Scheme, Authority, PathWithQuery, Headers.ToList());
}

/// <summary><c>request-options</c>: the three timeouts of an outgoing request.</summary>
internal sealed class RequestOptions
{
    public TimeSpan? Connect { get; set; }
    public TimeSpan? FirstByte { get; set; }
    public TimeSpan? BetweenBytes { get; set; }

    public HttpTimeouts ToTimeouts() => new(Connect, FirstByte, BetweenBytes);
}

/// <summary><c>outgoing-response</c>: the response the guest builds and hands to response-outparam.set.</summary>
internal sealed class OutgoingResponse(HttpFields headers)
{
    public HttpFields Headers { get; } = headers.Freeze();

    public ushort Status { get; set; } = 200;

    public OutgoingBody? Body { get; private set; }

    public OutgoingBody? TakeBody()
    {
        if (Body is not null) return null;
        return Body = new OutgoingBody(Headers.ContentLength, isResponse: true);
    }
}

/// <summary><c>incoming-response</c>: the response to the guest's outgoing request.</summary>
internal sealed class IncomingResponse(OutgoingHttpResponse response, TimeSpan? betweenBytes) : IDisposable
{
    private bool _consumed;

    public ushort Status => response.Status;

    public HttpFields Headers { get; } = HttpFields.FromOutside(response.Headers);

    public IncomingBody? Consume()
    {
        if (_consumed) return null;
        _consumed = true;
        return new IncomingBody(new BodySource(response.Body, response.Trailers, OwnsStream: true, betweenBytes, CancellationToken.None));
    }

    /// <summary>Dropped without its body being consumed: release the connection.</summary>
    public void Dispose()
    {
        if (_consumed) return;
        _consumed = true;
        response.Body.Dispose();
    }
}

/// <summary>The WIT forms of method, scheme and the other parts of a request head, with their syntax rules.</summary>
internal static class HttpWit
{
    private static readonly string[] s_methods = ["get", "head", "post", "put", "delete", "connect", "options", "trace", "patch"];

    /// <summary><c>GET</c> is <c>method.get</c>; anything else (including <c>get</c>) is <c>other</c>: methods are case-sensitive.</summary>
    public static WitValue Method(string method)
    {
        var lower = method.ToLowerInvariant();
        return s_methods.Contains(lower) && method == lower.ToUpperInvariant()
            ? WitValue.Variant(lower)
            : WitValue.Variant("other", WitValue.String(method));
    }

    public static string Method(WitValue value)
    {
        var v = (WitVariant)value;
        return v.Case == "other" ? v.Payload!.AsString() : v.Case.ToUpperInvariant();
    }

    public static WitValue Scheme(string scheme) => scheme.ToLowerInvariant() switch
    {
        "http" => WitValue.Variant("HTTP"),
        "https" => WitValue.Variant("HTTPS"),
        _ => WitValue.Variant("other", WitValue.String(scheme)),
    };

    public static string Scheme(WitValue value)
    {
        var v = (WitVariant)value;
        return v.Case switch { "HTTP" => "http", "HTTPS" => "https", _ => v.Payload!.AsString() };
    }

    public static WitValue OptionalString(string? s) => s is null ? WitValue.None : WitValue.Some(WitValue.String(s));

    public static string? OptionalString(WitValue value) => value is WitOption { Value: { } v } ? v.AsString() : null;

    /// <summary>A method is an HTTP token.</summary>
    public static bool IsValidMethod(string method) => HttpFields.IsValidName(method);

    /// <summary>RFC 3986 scheme: a letter, then letters, digits, '+', '-', '.'.</summary>
    public static bool IsValidScheme(string scheme) =>
        scheme.Length > 0 && char.IsAsciiLetter(scheme[0]) && scheme.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.');

    /// <summary>host[:port], with no user info, path, or whitespace.</summary>
    public static bool IsValidAuthority(string authority) =>
        authority.Length > 0 && !authority.Any(c => c <= ' ' || c >= 0x7F || c is '/' or '?' or '#' or '@' or '\\')
        && Uri.TryCreate("http://" + authority, UriKind.Absolute, out var uri) && uri.Authority.Length > 0;

    /// <summary>A path (and query) as it goes on the request line: visible ASCII, no fragment.</summary>
    public static bool IsValidPathWithQuery(string path) => !path.Any(c => c <= ' ' || c >= 0x7F || c == '#');
}
