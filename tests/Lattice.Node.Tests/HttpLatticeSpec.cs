using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Lattice.Node.Tests;

/// <summary>
/// HTTP serving in a lattice of real `lattice up` processes, set up only through the CLI: the
/// http-server provider's listeners and routes (provider config `address`, link source config
/// `address`/`path`/`host`), a component on another host than the provider (each request then
/// crosses as one message: bodies up to 7 MiB, 413 for bigger requests, 502 for bigger
/// responses), the http-client allow-list on that other host, and the demo counter's count
/// surviving kill -9 (and then a graceful leave) of the host whose provider held the listener.
/// </summary>
[Collection(HostsCollection.Name)]
public sealed class HttpLatticeSpec(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;

    private static readonly string Hello = Path.Combine(TestPaths.RepoRoot, "demo", "http-hello", "http-hello.wasm");
    private static readonly string Counter = Path.Combine(TestPaths.RepoRoot, "demo", "http-counter", "http-counter.wasm");
    private static readonly string Echo = TestPaths.Fixture("wat/http-echo.wasm");
    private static readonly string Fail = TestPaths.Fixture("wat/http-fail.wasm");
    private static readonly string Proxy = TestPaths.Fixture("wat/http-proxy.wasm");

    [Fact]
    public async Task On_one_host_the_cli_opens_listeners_routes_by_path_and_host_and_link_del_unroutes()
    {
        using var cluster = new TestCluster(1);
        var host = cluster.Seed;
        var port = HostProcess.FreePort();
        var sidePort = HostProcess.FreePort();
        var url = $"http://127.0.0.1:{port}";

        Ops.Json(host, "config", "put", "listen", $"address=127.0.0.1:{port}");
        Ops.Json(host, "config", "put", "hello-route", "path=/hello");
        Ops.Json(host, "config", "put", "echo-route", "host=echo.test");
        Ops.Json(host, "config", "put", "side-route", $"address=127.0.0.1:{sidePort}");
        Ops.Json(host, "config", "put", "bad-route", "address=not-an-address", "path=/bad");
        var provider = Ops.Json(host, "provider", "start", "web", "http-server", "--config", "listen");
        Assert.Equal("http-server", (string?)provider["kind"]);
        Ops.Json(host, "component", "start", "hello", Hello);
        Ops.Json(host, "component", "start", "echo", Echo);
        Ops.Json(host, "link", "put", "web", "hello", "wasi:http/incoming-handler", "--source-config", "hello-route");
        Ops.Json(host, "link", "put", "web", "echo", "wasi:http/incoming-handler", "--name", "echo", "--source-config", "echo-route");
        // The same component on a second listener of the same provider, under a link of its own.
        Ops.Json(host, "link", "put", "web", "hello", "wasi:http/incoming-handler", "--name", "side", "--source-config", "side-route");
        // An address that cannot be listened on: reported, and the other listeners serve on.
        Ops.Json(host, "link", "put", "web", "echo", "wasi:http/incoming-handler", "--name", "bad", "--source-config", "bad-route");

        using (var hello = await HttpProbe.EventuallyStatus(url + "/hello", 200))
        {
            Assert.Equal("hello, world!\n", await hello.Content.ReadAsStringAsync());
            Assert.Equal("text/plain", hello.Content.Headers.ContentType?.MediaType);
        }
        using (var side = await HttpProbe.EventuallyStatus($"http://127.0.0.1:{sidePort}/", 200))
            Assert.Equal("hello, world!\n", await side.Content.ReadAsStringAsync());
        using (var unrouted = await HttpProbe.Client.GetAsync(url + "/elsewhere"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unrouted.StatusCode);
            Assert.Contains("no component is routed", await unrouted.Content.ReadAsStringAsync());
        }
        // By Host header: a host route is preferred to a path route, so /hello for echo.test is echo's.
        using (var echoed = await HttpProbe.Client.SendAsync(ForHost(url + "/hello?q=1", "echo.test")))
        {
            Assert.Equal(HttpStatusCode.OK, echoed.StatusCode);
            Assert.Equal("/hello?q=1", echoed.Headers.GetValues("x-path").Single());
        }

        // `get inventory` shows the provider (and its kind) and both components on this host.
        var inventory = Assert.Single(Ops.Json(host, "get", "inventory").AsArray())!["inventory"]!;
        var providers = inventory["providers"]!.AsArray();
        Assert.Equal("http-server", (string?)Assert.Single(providers, p => (string?)p!["provider_id"] == "web")!["kind"]);
        var components = inventory["components"]!.AsArray().Select(c => (string?)c!["component_id"]).ToList();
        Assert.Contains("hello", components);
        Assert.Contains("echo", components);
        Assert.Contains("http-server cannot listen on not-an-address", host.Output);
        Assert.False(host.HasExited);

        // Unlinking hello's /hello route: 404 there, while the listener goes on serving echo.test...
        Ops.Json(host, "link", "del", "web", "wasi:http");
        using (var gone = await HttpProbe.EventuallyStatus(url + "/hello", 404))
            Assert.Contains("no component is routed", await gone.Content.ReadAsStringAsync());
        using (var still = await HttpProbe.Client.SendAsync(ForHost(url + "/hello", "echo.test")))
            Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        // ...and the second listener, whose link still stands, serves hello on.
        using (var side = await HttpProbe.Client.GetAsync($"http://127.0.0.1:{sidePort}/"))
            Assert.Equal("hello, world!\n", await side.Content.ReadAsStringAsync());

        // The last link on an address gone: its listener closes; the provider's own address stays up.
        Ops.Json(host, "link", "del", "web", "wasi:http", "--name", "side");
        await HttpProbe.EventuallyRefused($"http://127.0.0.1:{sidePort}/");
        using (var still = await HttpProbe.Client.SendAsync(ForHost(url + "/", "echo.test")))
            Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        Assert.DoesNotContain("hello", Ops.Json(host, "get", "links").AsArray().Select(l => (string?)l!["target"]));
    }

    [Fact]
    public async Task With_the_component_on_another_host_requests_cross_whole_up_to_7_MiB_and_bigger_get_413_or_502()
    {
        using var cluster = new TestCluster(2);
        var hosts = cluster.Hosts;
        var port = HostProcess.FreePort();
        var url = $"http://127.0.0.1:{port}";
        await using var upstream = await Upstream.StartAsync();

        Ops.Json(hosts[0], "config", "put", "listen", $"address=127.0.0.1:{port}");
        Ops.Json(hosts[0], "provider", "start", "web", "http-server", "--config", "listen");
        var serverHost = ProviderHost(hosts, "web");
        var other = hosts.Single(h => h != serverHost);
        var label = $"n={hosts.ToList().IndexOf(other) + 1}";
        output.WriteLine($"http-server on {serverHost.Name}; components pinned to {other.Name} ({label})");

        // http-fail picks its failure by the path's first letter, so it is routed by host instead.
        foreach (var (id, wasm, route) in new[] { ("hello", Hello, "path=/hello"), ("echo", Echo, "path=/echo"), ("fail", Fail, "host=fail.test"), ("proxy", Proxy, "path=/proxy") })
        {
            Ops.Json(hosts[0], "component", "start", id, wasm, "--label", label, "--timeout", "30");
            Ops.Json(hosts[0], "config", "put", $"{id}-route", route);
            Ops.Json(hosts[0], "link", "put", "web", id, "wasi:http/incoming-handler", "--name", id, "--source-config", $"{id}-route");
        }

        using (var hello = await HttpProbe.EventuallyStatus(url + "/hello", 200))
            Assert.Equal("hello, world!\n", await hello.Content.ReadAsStringAsync());
        // Every instance runs on the other host (once all four have started), none beside the listener.
        var inventory = JsonNode.Parse(Ops.Eventually(hosts[0], r => r.ExitCode == 0 && ComponentsOn(JsonNode.Parse(r.Stdout)!.AsArray(), other).Count == 4,
            "get", "inventory", "-o", "json").Stdout)!.AsArray();
        Assert.Empty(ComponentsOn(inventory, serverHost));

        // 1 MiB through echo, and exactly 7 MiB (the documented limit each way), intact.
        foreach (var size in new[] { 1 * MiB, 7 * MiB })
        {
            var body = HttpProbe.Pattern(size, size);
            using var echoed = await HttpProbe.Eventually(() => HttpProbe.Post(url + "/echo/data?n=" + size, body), r => r.StatusCode == HttpStatusCode.OK);
            Assert.Equal("/echo/data?n=" + size, echoed.Headers.GetValues("x-path").Single());
            var back = await echoed.Content.ReadAsByteArrayAsync();
            Assert.Equal(size, back.Length);
            Assert.Equal(SHA256.HashData(body), SHA256.HashData(back));
        }

        // 8 MiB cannot cross hosts: 413 with the reason; the next request goes through.
        using (var tooBig = await HttpProbe.Client.SendAsync(HttpProbe.Post(url + "/echo/big", HttpProbe.Pattern(8 * MiB, 8))))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
            Assert.Contains("cannot cross hosts", await tooBig.Content.ReadAsStringAsync());
        }
        using (var after = await HttpProbe.Client.SendAsync(HttpProbe.Post(url + "/echo/after", "after"u8.ToArray())))
            Assert.Equal("after", await after.Content.ReadAsStringAsync());

        // A handler that traps on the other host: a 500 across, and the recycled instance serves the next.
        using (var trap = await HttpProbe.Client.SendAsync(ForHost(url + "/trap", "fail.test")))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, trap.StatusCode);
            Assert.Contains("unreachable", await trap.Content.ReadAsStringAsync());
        }
        using (var ok = await HttpProbe.Eventually(() => ForHost(url + "/ok", "fail.test"), r => r.StatusCode == HttpStatusCode.OK))
            Assert.Equal("ok", await ok.Content.ReadAsStringAsync());

        // Outgoing HTTP from the other host: denied until linked to an http-client allowing the upstream.
        HttpRequestMessage Proxied(string path) => new(HttpMethod.Get, url + path) { Headers = { { "x-upstream", upstream.Authority } } };
        using (var denied = await HttpProbe.Eventually(() => Proxied("/proxy/small"), r => r.StatusCode == HttpStatusCode.InternalServerError))
            Assert.Contains("HTTP-request-denied", await denied.Content.ReadAsStringAsync());
        Ops.Json(hosts[0], "provider", "start", "client", "http-client");
        Ops.Json(hosts[0], "config", "put", "allow-upstream", $"allowed_hosts={upstream.Authority}");
        Ops.Json(hosts[0], "link", "put", "proxy", "client", "wasi:http/outgoing-handler", "--target-config", "allow-upstream");
        using (var small = await HttpProbe.Eventually(() => Proxied("/proxy/small"), r => r.StatusCode == HttpStatusCode.Created))
            Assert.Equal("upstream says GET /proxy/small", await small.Content.ReadAsStringAsync());
        Assert.Equal(0, upstream.BigServed);
        // A response of 8 MiB cannot cross back: 502 with the reason.
        using (var big = await HttpProbe.Client.SendAsync(Proxied("/proxy/big")))
        {
            Assert.Equal(HttpStatusCode.BadGateway, big.StatusCode);
            Assert.Contains("cannot cross hosts", await big.Content.ReadAsStringAsync());
        }
        Assert.Equal(1, upstream.BigServed);

        // Echo unpinned, then scaled to 2: the new instance goes to the least loaded host, the
        // listener's. The server prefers the instance beside it, which streams: 8 MiB goes through
        // every time. (Unpinned first and scaled after: a shard of a component the view already
        // knows is allocated with the view's placement, which may predate the command that unpinned it.)
        Ops.Json(hosts[0], "component", "start", "echo", Echo, "--timeout", "30");
        Ops.Eventually(hosts[0], r => r.ExitCode == 0 && JsonNode.Parse(r.Stdout)!.AsArray().Any(c => (string?)c!["id"] == "echo" && c["placement"]!.AsObject().Count == 0),
            "get", "components", "-o", "json");
        Ops.Json(hosts[0], "component", "scale", "echo", "2");
        Ops.Eventually(hosts[0], r => r.ExitCode == 0 && ComponentsOn(JsonNode.Parse(r.Stdout)!.AsArray(), serverHost).Contains("echo"),
            "get", "inventory", "-o", "json");
        var large = HttpProbe.Pattern(8 * MiB, 10);
        for (var i = 0; i < 3; i++)
        {
            using var streamed = i == 0
                ? await HttpProbe.Eventually(() => HttpProbe.Post(url + "/echo/local", large), r => r.StatusCode == HttpStatusCode.OK)
                : await HttpProbe.Client.SendAsync(HttpProbe.Post(url + "/echo/local", large));
            Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
            Assert.Equal(SHA256.HashData(large), SHA256.HashData(await streamed.Content.ReadAsByteArrayAsync()));
        }
        Assert.All(hosts, h => Assert.False(h.HasExited, h.Output));
    }

    [Fact]
    public async Task The_demo_counter_keeps_counting_as_the_listener_moves_after_kill_9_and_a_leave()
    {
        using var cluster = new TestCluster(3);
        var hosts = cluster.Hosts;
        var port = HostProcess.FreePort();
        var url = $"http://127.0.0.1:{port}/";

        Ops.Json(hosts[0], "config", "put", "listen", $"address=127.0.0.1:{port}");
        Ops.Json(hosts[0], "provider", "start", "web", "http-server", "--config", "listen");
        Ops.Json(hosts[0], "provider", "start", "kv", "keyvalue");
        Ops.Json(hosts[0], "component", "start", "counter", Counter);
        Ops.Json(hosts[0], "link", "put", "counter", "kv", "wasi:keyvalue/store,atomics");
        Ops.Json(hosts[0], "link", "put", "web", "counter", "wasi:http/incoming-handler");

        using (var first = await HttpProbe.EventuallyStatus(url, 200))
            Assert.Equal("visits: 1\n", await first.Content.ReadAsStringAsync());
        Assert.Equal("visits: 2\n", await HttpProbe.Client.GetStringAsync(url));
        Assert.Equal("visits: 3\n", await HttpProbe.Client.GetStringAsync(url));

        var victim = ProviderHost(hosts, "web");
        var survivor = hosts.First(h => h != victim);
        output.WriteLine($"killing {victim.Name}, which holds the listener on {url}");
        victim.Kill();

        // The provider restarts on a survivor and opens the same address there; the count is in the
        // lattice database, which every host shares, so it goes on from 3.
        using (var fourth = await HttpProbe.EventuallyStatus(url, 200))
            Assert.Equal("visits: 4\n", await fourth.Content.ReadAsStringAsync());
        Assert.Equal("visits: 5\n", await HttpProbe.Client.GetStringAsync(url));
        var moved = ProviderHost(hosts.Where(h => h != victim).ToList(), "web", survivor);
        output.WriteLine($"http-server now on {moved.Name}");

        // A graceful leave of that host: the provider closes its listener there and opens it on the last host.
        var last = hosts.Single(h => h != victim && h != moved);
        Ops.Json(last, "cluster", "leave", moved.Address);
        Assert.True(moved.WaitForExit(TimeSpan.FromSeconds(40)), "the leaving host did not exit\n" + moved.Output);
        using (var sixth = await HttpProbe.EventuallyStatus(url, 200))
            Assert.Equal("visits: 6\n", await sixth.Content.ReadAsStringAsync());
        Assert.Same(last, ProviderHost([last], "web", last));
    }

    private static HttpRequestMessage ForHost(string url, string host) => new(HttpMethod.Get, url) { Headers = { Host = host } };

    /// <summary>The host whose inventory lists provider <paramref name="id"/> (asked of <paramref name="via"/>, default the first host).</summary>
    private static HostProcess ProviderHost(IReadOnlyList<HostProcess> hosts, string id, HostProcess? via = null)
    {
        var result = Ops.Eventually(via ?? hosts[0], r => r.ExitCode == 0 && HolderOf(JsonNode.Parse(r.Stdout)!.AsArray(), id) is not null,
            "get", "inventory", "-o", "json");
        var address = HolderOf(JsonNode.Parse(result.Stdout)!.AsArray(), id);
        return hosts.Single(h => h.Address == address);
    }

    private static string? HolderOf(JsonArray inventory, string providerId) =>
        (string?)inventory.FirstOrDefault(h => h!["inventory"]?["providers"]?.AsArray().Any(p => (string?)p!["provider_id"] == providerId) == true)?["address"];

    private static List<string?> ComponentsOn(JsonArray inventory, HostProcess host) =>
        inventory.Where(h => (string?)h!["address"] == host.Address)
            .SelectMany(h => h!["inventory"]?["components"]?.AsArray() ?? [])
            .Select(c => (string?)c!["component_id"]).ToList();

    /// <summary>The server the proxy component calls out to: small answers, and an 8 MiB one on /proxy/big.</summary>
    private sealed class Upstream(WebApplication app, int port) : IAsyncDisposable
    {
        private int _bigServed;

        public string Authority => $"127.0.0.1:{port}";

        public int BigServed => _bigServed;

        public static async Task<Upstream> StartAsync()
        {
            var port = HostProcess.FreePort();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
            var app = builder.Build();
            var upstream = new Upstream(app, port);
            app.Run(async c =>
            {
                if (c.Request.Path == "/proxy/big")
                {
                    Interlocked.Increment(ref upstream._bigServed);
                    await c.Response.Body.WriteAsync(HttpProbe.Pattern(8 * MiB, 9));
                    return;
                }
                c.Response.StatusCode = 201;
                await c.Response.WriteAsync($"upstream says {c.Request.Method} {c.Request.Path}");
            });
            await app.StartAsync();
            return upstream;
        }

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }
}
