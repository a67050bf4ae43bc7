// The object behind a wasi:http `fields` handle (headers and trailers), with the rules a guest
// built against wasmtime-wasi-http expects:
//
// - syntax: a name must be an HTTP token (RFC 9110 tchar), a value any bytes but control characters
//   other than tab; otherwise `invalid-syntax`. Names are stored lowercased and compared that way.
// - forbidden: hop-by-hop and routing headers the host owns (connection, host, transfer-encoding...)
//   can neither be set, appended nor deleted by a guest (`forbidden`), and are removed from headers
//   that come in from outside, so the guest never sees them.
// - immutable: fields that belong to a request or response (its `headers()`, trailers handed over)
//   refuse every change (`immutable`). A guest gets a mutable copy with `clone`.
// The checks run in that order (syntax, forbidden, immutable), as wasmtime's do.
namespace Lattice.Wasi.Http;

internal enum HeaderError { InvalidSyntax, Forbidden, Immutable }

internal sealed class HttpFields
{
    /// <summary>The most bytes (names and values) one fields object may hold; a guest cannot grow host memory past it.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>wasmtime-wasi-http's default forbidden headers.</summary>
    private static readonly HashSet<string> s_forbidden =
    [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
        "transfer-encoding", "upgrade", "host", "http2-settings",
    ];

    private readonly List<(string Name, byte[] Value)> _entries;
    private int _bytes;

    public HttpFields() => _entries = [];

    private HttpFields(List<(string, byte[])> entries, int bytes)
    {
        _entries = entries;
        _bytes = bytes;
    }

    public bool IsImmutable { get; private set; }

    public int Count => _entries.Count;

    /// <summary>Makes these fields read-only for good (they now belong to a request, response or trailers).</summary>
    public HttpFields Freeze()
    {
        IsImmutable = true;
        return this;
    }

    public static bool IsForbidden(string name) => s_forbidden.Contains(name.ToLowerInvariant());

    /// <summary>Fields from outside (a server's request, an upstream response): forbidden ones dropped, invalid ones skipped, frozen.</summary>
    public static HttpFields FromOutside(IEnumerable<HttpField> fields)
    {
        var result = new HttpFields();
        foreach (var f in fields)
        {
            if (!IsValidName(f.Name) || !IsValidValue(f.Value) || IsForbidden(f.Name)) continue;
            result.Add(f.Name.ToLowerInvariant(), f.Value);
        }
        return result.Freeze();
    }

    /// <summary><c>fields.from-list</c>: all entries valid and allowed, or the first error.</summary>
    public static HttpFields? FromList(IEnumerable<(string Name, byte[] Value)> entries, out HeaderError? error)
    {
        var result = new HttpFields();
        foreach (var (name, value) in entries)
        {
            if ((error = Check(name, value)) is not null) return null;
            result.Add(name.ToLowerInvariant(), value);
        }
        error = null;
        return result;
    }

    public IReadOnlyList<byte[]> Get(string name)
    {
        var key = name.ToLowerInvariant();
        return _entries.Where(e => e.Name == key).Select(e => e.Value).ToList();
    }

    public bool Has(string name)
    {
        var key = name.ToLowerInvariant();
        return _entries.Exists(e => e.Name == key);
    }

    public HeaderError? Set(string name, IReadOnlyList<byte[]> values)
    {
        if (!IsValidName(name) || values.Any(v => !IsValidValue(v))) return HeaderError.InvalidSyntax;
        if (IsForbidden(name)) return HeaderError.Forbidden;
        if (IsImmutable) return HeaderError.Immutable;
        RemoveAll(name.ToLowerInvariant());
        foreach (var v in values) Add(name.ToLowerInvariant(), v);
        return null;
    }

    public HeaderError? Append(string name, byte[] value)
    {
        if (Check(name, value) is { } error) return error;
        if (IsImmutable) return HeaderError.Immutable;
        Add(name.ToLowerInvariant(), value);
        return null;
    }

    public HeaderError? Delete(string name)
    {
        if (!IsValidName(name)) return HeaderError.InvalidSyntax;
        if (IsForbidden(name)) return HeaderError.Forbidden;
        if (IsImmutable) return HeaderError.Immutable;
        RemoveAll(name.ToLowerInvariant());
        return null;
    }

    public IReadOnlyList<(string Name, byte[] Value)> Entries => _entries;

    /// <summary>A mutable copy.</summary>
    public HttpFields Clone() => new([.. _entries], _bytes);

    public IReadOnlyList<HttpField> ToList() => _entries.Select(e => new HttpField(e.Name, e.Value)).ToList();

    /// <summary>The value of <c>content-length</c> when present and well-formed (a body must then have exactly that size).</summary>
    public long? ContentLength
    {
        get
        {
            var values = Get("content-length");
            if (values.Count == 0) return null;
            var text = System.Text.Encoding.Latin1.GetString(values[0]).Trim();
            return long.TryParse(text, System.Globalization.NumberStyles.None, null, out var n) ? n : null;
        }
    }

    private static HeaderError? Check(string name, byte[] value)
    {
        if (!IsValidName(name) || !IsValidValue(value)) return HeaderError.InvalidSyntax;
        return IsForbidden(name) ? HeaderError.Forbidden : null;
    }

    private void Add(string name, byte[] value)
    {
        var size = name.Length + value.Length;
        if (_bytes + size > MaxBytes)
            throw new InvalidOperationException($"wasi:http fields would exceed {MaxBytes / 1024} KiB");
        _entries.Add((name, value));
        _bytes += size;
    }

    private void RemoveAll(string key)
    {
        foreach (var e in _entries.Where(e => e.Name == key)) _bytes -= e.Name.Length + e.Value.Length;
        _entries.RemoveAll(e => e.Name == key);
    }

    /// <summary>RFC 9110 token: one or more tchar.</summary>
    public static bool IsValidName(string name)
    {
        if (name.Length == 0) return false;
        foreach (var c in name)
        {
            var ok = c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
                || "!#$%&'*+-.^_`|~".Contains(c);
            if (!ok) return false;
        }
        return true;
    }

    /// <summary>Visible ASCII, space, tab and obs-text (0x80-0xFF); no other control characters (so no CR, LF, NUL).</summary>
    public static bool IsValidValue(ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
            if ((b < 0x20 && b != (byte)'\t') || b == 0x7F) return false;
        return true;
    }
}
