// The real IOutgoingHttp: System.Net.Http over one process-wide connection pool, open only to an
// allow-list of hosts.
//
// Allow-list entries: `host` (any port), `host:port`, `*.example.com` (any subdomain, not the
// domain itself), `[::1]:8080`, or `*` (everything). Hosts are compared by name, case-insensitively;
// a request to anything else fails with HTTP-request-denied before a connection is opened. The
// check is by the name the guest asked for: it does not stop a listed name that resolves to a
// private address, so list only names you trust.
//
// One SocketsHttpHandler serves every OutgoingHttpClient (the allow-list is per instance, the
// sockets are shared), so components of many links share pooled connections. It is set up for
// relaying a guest's request as written: no redirects followed (a redirect could leave the
// allow-list; the guest sees the 3xx), no cookies (they would leak between components), no
// decompression, no proxy from the environment, header bytes passed as Latin-1. The connect timeout
// is per request: the pool's connect callback reads it from the request that opens the connection.
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Lattice.Wasi.Http;

public sealed class OutgoingHttpClient : IOutgoingHttp
{
    /// <summary>Used where the guest set no timeout of its own.</summary>
    public static HttpTimeouts DefaultTimeouts { get; } = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60));

    private static readonly HttpRequestOptionsKey<TimeSpan> s_connectTimeout = new("lattice.wasi-http.connect-timeout");
    private static readonly HttpMessageInvoker s_invoker = new(CreateHandler(), disposeHandler: false);

    private readonly List<(string Host, int? Port)> _allowed = [];
    private readonly HttpTimeouts _defaults;

    /// <param name="allowedHosts">The hosts guests may reach (see the file comment for the forms); empty denies everything.</param>
    /// <param name="defaults">Timeouts where the guest set none (each null part falls back to <see cref="DefaultTimeouts"/>).</param>
    /// <exception cref="ArgumentException">an entry is not a host name or host:port.</exception>
    public OutgoingHttpClient(IEnumerable<string> allowedHosts, HttpTimeouts? defaults = null)
    {
        foreach (var entry in allowedHosts)
        {
            var trimmed = entry.Trim();
            if (trimmed == "*") { _allowed.Add(("*", null)); continue; }
            if (!TrySplit(trimmed, out var host, out var port) || host.Length == 0)
                throw new ArgumentException($"'{entry}' is not a host or host:port", nameof(allowedHosts));
            _allowed.Add((host, port));
        }
        AllowedHosts = allowedHosts.ToList();
        _defaults = new HttpTimeouts(
            defaults?.Connect ?? DefaultTimeouts.Connect,
            defaults?.FirstByte ?? DefaultTimeouts.FirstByte,
            defaults?.BetweenBytes ?? DefaultTimeouts.BetweenBytes);
    }

    public IReadOnlyList<string> AllowedHosts { get; }

    /// <summary>True when a request to <paramref name="host"/>:<paramref name="port"/> may be sent.</summary>
    public bool Allows(string host, int port)
    {
        host = host.ToLowerInvariant();
        foreach (var (h, p) in _allowed)
        {
            if (p is { } only && only != port) continue;
            if (h == "*" || h == host) return true;
            if (h.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(h[1..], StringComparison.Ordinal)) return true;
        }
        return false;
    }

    public async Task<OutgoingHttpResponse> SendAsync(OutgoingHttpRequest request, CancellationToken cancellationToken)
    {
        var head = request.Head;
        var scheme = (head.Scheme ?? "https").ToLowerInvariant();
        if (scheme is not ("http" or "https"))
            throw new HttpErrorCodeException(HttpErrorCode.ProtocolError, $"scheme '{head.Scheme}' is not supported (http and https are)");
        if (head.Authority is null || !TrySplit(head.Authority, out var host, out var explicitPort) || host.Length == 0)
            throw new HttpErrorCodeException(HttpErrorCode.RequestUriInvalid, $"'{head.Authority}' is not a valid authority");
        var port = explicitPort ?? (scheme == "https" ? 443 : 80);
        if (!Allows(host, port))
            throw new HttpErrorCodeException(HttpErrorCode.RequestDenied, $"{host}:{port} is not in the allow-list of outgoing HTTP");
        if (!Uri.TryCreate($"{scheme}://{head.Authority}{head.PathWithQuery ?? "/"}", UriKind.Absolute, out var uri))
            throw new HttpErrorCodeException(HttpErrorCode.RequestUriInvalid, $"'{head}' is not a valid URI");

        var timeouts = new HttpTimeouts(
            request.Timeouts.Connect ?? _defaults.Connect,
            request.Timeouts.FirstByte ?? _defaults.FirstByte,
            request.Timeouts.BetweenBytes ?? _defaults.BetweenBytes);
        var message = new HttpRequestMessage(new HttpMethod(head.Method), uri)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        message.Options.Set(s_connectTimeout, timeouts.Connect!.Value);
        // A body the guest finished without writing anything is no body (a GET must not go out with an empty
        // chunked body); knowing that means waiting for its first bytes, which the send would wait for anyway.
        if (request.Body is { } body
            && (head.Headers.Any(h => h.Name.Equals("content-length", StringComparison.OrdinalIgnoreCase))
                || !await body.EndsEmptyAsync(cancellationToken).ConfigureAwait(false)))
            message.Content = new StreamContent(body);
        foreach (var field in head.Headers)
        {
            var value = field.ValueText;
            if (field.Name.StartsWith("content-", StringComparison.OrdinalIgnoreCase))
            {
                message.Content ??= new ByteArrayContent([]);
                message.Content.Headers.TryAddWithoutValidation(field.Name, value);
            }
            else message.Headers.TryAddWithoutValidation(field.Name, value);
        }

        HttpResponseMessage response;
        using (var firstByte = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            firstByte.CancelAfter(timeouts.FirstByte!.Value);
            try
            {
                response = await s_invoker.SendAsync(message, firstByte.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (firstByte.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                message.Dispose();
                throw new HttpErrorCodeException(HttpErrorCode.ConnectionReadTimeout,
                    $"no response from {host}:{port} within the first-byte timeout ({timeouts.FirstByte.Value.TotalSeconds:0.###} s)");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                message.Dispose();
                throw new HttpErrorCodeException(HttpClientErrors.CodeOf(e) ?? HttpErrorCode.InternalError(e.Message), $"{host}:{port}: {e.Message}");
            }
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var headers = Fields(response.Headers).Concat(Fields(response.Content.Headers)).ToList();
        return new OutgoingHttpResponse((ushort)response.StatusCode, headers, new ResponseStream(stream, response, message),
            () => Fields(response.TrailingHeaders).ToList() is { Count: > 0 } t ? t : null);
    }

    private static IEnumerable<HttpField> Fields(HttpHeaders headers) =>
        headers.NonValidated.SelectMany(h => h.Value.Select(v => new HttpField(h.Key.ToLowerInvariant(), v)));

    /// <summary>Splits <c>host</c>, <c>host:port</c>, <c>[v6]</c>, <c>[v6]:port</c>; false on anything else (user info, paths, bad ports).</summary>
    private static bool TrySplit(string authority, out string host, out int? port)
    {
        host = "";
        port = null;
        if (authority.Any(c => c <= ' ' || c >= 0x7F || c is '/' or '?' or '#' or '@' or '\\')) return false;
        var portText = (string?)null;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            if (close < 0) return false;
            host = authority[1..close];
            var rest = authority[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':') return false;
                portText = rest[1..];
            }
            if (!IPAddress.TryParse(host, out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6) return false;
        }
        else
        {
            var colon = authority.IndexOf(':');
            if (colon >= 0)
            {
                portText = authority[(colon + 1)..];
                authority = authority[..colon];
            }
            host = authority;
        }
        host = host.ToLowerInvariant();
        if (portText is null) return true;
        if (!int.TryParse(portText, System.Globalization.NumberStyles.None, null, out var p) || p is < 1 or > 65535) return false;
        port = p;
        return true;
    }

    private static SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        RequestHeaderEncodingSelector = (_, _) => Encoding.Latin1,
        ResponseHeaderEncodingSelector = (_, _) => Encoding.Latin1,
        ConnectCallback = ConnectAsync,
    };

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancel)
    {
        var timeout = context.InitialRequestMessage.Options.TryGetValue(s_connectTimeout, out var t) ? t : DefaultTimeouts.Connect!.Value;
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timer.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, timer.Token).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            socket.Dispose();
            throw new HttpErrorCodeException(HttpErrorCode.ConnectionTimeout,
                $"cannot connect to {context.DnsEndPoint.Host}:{context.DnsEndPoint.Port} within the connect timeout ({timeout.TotalSeconds:0.###} s)");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The response body, which also releases the response and request when disposed.</summary>
    private sealed class ResponseStream(Stream inner, HttpResponseMessage response, HttpRequestMessage request) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                response.Dispose();
                request.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}

/// <summary>The wasi:http error code for a failure of System.Net.Http or the sockets under it.</summary>
internal static class HttpClientErrors
{
    public static HttpErrorCode? CodeOf(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case HttpErrorCodeException h: return h.Code;
                case SocketException s: return Socket(s.SocketErrorCode);
                case HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } r: return Request(r.HttpRequestError);
                case HttpIOException { HttpRequestError: not HttpRequestError.Unknown } io: return Request(io.HttpRequestError);
            }
        }
        return null;
    }

    private static HttpErrorCode? Request(HttpRequestError error) => error switch
    {
        HttpRequestError.NameResolutionError => HttpErrorCode.DnsError(),
        HttpRequestError.ConnectionError => HttpErrorCode.ConnectionRefused,
        HttpRequestError.SecureConnectionError => HttpErrorCode.TlsProtocolError,
        HttpRequestError.HttpProtocolError or HttpRequestError.InvalidResponse
            or HttpRequestError.VersionNegotiationError or HttpRequestError.ExtendedConnectNotSupported => HttpErrorCode.ProtocolError,
        HttpRequestError.ResponseEnded => HttpErrorCode.ResponseIncomplete,
        HttpRequestError.ProxyTunnelError => HttpErrorCode.DestinationUnavailable,
        HttpRequestError.ConfigurationLimitExceeded => HttpErrorCode.Of("HTTP-response-header-section-size"),
        _ => null,
    };

    private static HttpErrorCode Socket(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => HttpErrorCode.ConnectionRefused,
        SocketError.TimedOut => HttpErrorCode.ConnectionTimeout,
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => HttpErrorCode.DnsError(),
        SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown or SocketError.NetworkDown => HttpErrorCode.DestinationUnavailable,
        SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown => HttpErrorCode.ConnectionTerminated,
        _ => HttpErrorCode.InternalError(error.ToString()),
    };
}
