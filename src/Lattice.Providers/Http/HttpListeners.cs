// The http-server provider's Kestrel listeners: one per address its routes name, started and
// stopped as links come and go, all serving through one request handler. A listener that cannot
// bind (port taken, bad address) is reported and the others keep serving.
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lattice.Providers.Http;

internal sealed class HttpListeners(Func<string, HttpContext, Task> serve, Action<string> warn) : IDisposable
{
    private readonly Dictionary<string, WebApplication> _running = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<string> Addresses => _running.Keys;

    /// <summary>Starts listeners for new addresses and stops those no longer wanted.</summary>
    public void Apply(IReadOnlyCollection<string> wanted)
    {
        foreach (var address in _running.Keys.Except(wanted, StringComparer.OrdinalIgnoreCase).ToList())
        {
            Stop(_running[address]);
            _running.Remove(address);
        }
        foreach (var address in wanted.Where(a => !_running.ContainsKey(a)))
        {
            try { _running[address] = Start(address); }
            catch (Exception e) { warn($"http-server cannot listen on {address}: {e.GetBaseException().Message}"); }
        }
    }

    private WebApplication Start(string address)
    {
        var endpoint = Parse(address);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(endpoint);
            k.AddServerHeader = false;
            // Header values are bytes to a component; Latin-1 sends any of them (the default refuses non-ASCII).
            k.ResponseHeaderEncodingSelector = _ => System.Text.Encoding.Latin1;
            k.RequestHeaderEncodingSelector = _ => System.Text.Encoding.Latin1;
            k.Limits.MaxRequestBodySize = null; // bodies stream through; the component decides what it reads
        });
        var app = builder.Build();
        app.Run(context => serve(address, context));
        app.StartAsync().GetAwaiter().GetResult();
        return app;
    }

    private static void Stop(WebApplication app)
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { app.StopAsync(grace.Token).GetAwaiter().GetResult(); }
        finally { app.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
    }

    /// <summary><c>host:port</c> with an IP address, <c>[v6]:port</c>, or <c>localhost:port</c> (loopback).</summary>
    public static IPEndPoint Parse(string address)
    {
        if (IPEndPoint.TryParse(address, out var endpoint) && endpoint.Port != 0) return endpoint;
        var colon = address.LastIndexOf(':');
        if (colon > 0 && address[..colon].Equals("localhost", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(address[(colon + 1)..], out var port) && port is > 0 and <= 65535)
            return new IPEndPoint(IPAddress.Loopback, port);
        throw new FormatException($"'{address}' is not an address to listen on (expected IP:PORT, e.g. 127.0.0.1:8080)");
    }

    public void Dispose()
    {
        foreach (var app in _running.Values) Stop(app);
        _running.Clear();
    }
}
