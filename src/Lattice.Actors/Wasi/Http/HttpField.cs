// Header and trailer fields, and the heads of requests and responses, as the C# side of wasi:http
// sees them (a server, an outgoing-HTTP implementation). Values are bytes because HTTP allows any
// octet but CR, LF and NUL; the string forms use Latin-1, one char per byte, which round-trips every
// value and is how ASP.NET Core and HttpClient are configured to treat non-ASCII header bytes.
using System.Text;

namespace Lattice.Wasi.Http;

/// <summary>One header or trailer field. Names are case-insensitive; the host hands them to guests lowercased.</summary>
public readonly record struct HttpField(string Name, byte[] Value)
{
    /// <summary>A field whose value is text: each char becomes one byte (Latin-1; chars above U+00FF become '?').</summary>
    public HttpField(string name, string value) : this(name, Encoding.Latin1.GetBytes(value)) { }

    /// <summary>The value with one char per byte (Latin-1): lossless, suitable for ASP.NET Core's and HttpClient's header APIs.</summary>
    public string ValueText => Encoding.Latin1.GetString(Value);

    /// <summary>Same name (ignoring case) and same value bytes.</summary>
    public bool Equals(HttpField other) =>
        string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase) && Value.AsSpan().SequenceEqual(other.Value);

    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Name ?? "");

    public override string ToString() => $"{Name}: {ValueText}";
}

/// <summary>
/// The head of a request: method (<c>GET</c>, or any token), scheme (<c>http</c>, <c>https</c>, or another),
/// authority (<c>host[:port]</c>), path with query (<c>/a/b?c=d</c>) and headers.
/// A server fills every part; a guest's outgoing request may leave scheme, authority and path unset.
/// </summary>
public sealed record HttpRequestHead(string Method, string? Scheme, string? Authority, string? PathWithQuery, IReadOnlyList<HttpField> Headers)
{
    public override string ToString() => $"{Method} {Scheme ?? "?"}://{Authority ?? "?"}{PathWithQuery ?? ""}";
}

