using System.Text;
using Lattice.Actors;
using Lattice.Model;
using Lattice.Providers;
using Lattice.Tests.Actors;
using NATS.Client.Core;

namespace Lattice.Tests.Providers.Messaging;

/// <summary>
/// wasmcloud:messaging through a real nats-server: a real component (messaging.wasm) handles messages
/// the provider delivers from its subscriptions, and publishes and requests through its consumer link.
/// </summary>
public sealed class MessagingProviderSpec
{
    private static async Task<T> Eventually<T>(Func<Task<T>> attempt, Func<T, bool> done, int tries = 100)
    {
        for (var i = 0; ; i++)
        {
            try
            {
                var result = await attempt();
                if (done(result) || i >= tries) return result;
            }
            catch (Exception e) when (i < tries && e is LatticeCallException or NatsException or TimeoutException or OperationCanceledException) { }
            await Task.Delay(100);
        }
    }

    [SkippableFact]
    public async Task Messages_round_trip_between_nats_and_a_component_both_ways()
    {
        LocalServer.SkipUnlessInstalled(NatsServer.Binary, NatsServer.MissingReason);
        using var nats = new NatsServer();
        await using var test = new NatsConnection(new NatsOpts { Url = nats.Url });
        await using var host = await SingleHost.StartAsync(SingleHost.NewOptions(), BuiltInProviders.Catalog);

        var sha = await host.Client.Artifacts.PutAsync(File.ReadAllBytes(TestPaths.Fixture("wat/messaging.wasm")));
        await host.Client.SendAsync(new PutConfig(new NamedConfig("nats", new Dictionary<string, string> { ["CLUSTER_URIS"] = nats.Url })));
        await host.Client.SendAsync(new PutConfig(new NamedConfig("inbox", new Dictionary<string, string> { ["subscriptions"] = "lattice.in|workers, lattice.direct" })));
        await host.Client.SendAsync(new StartProvider(new ProviderSpec("msg", "messaging-nats", ["nats"])));
        await host.Client.SendAsync(new StartComponent(new ComponentSpec("echo", sha, 1)));

        // Without a consumer link the component's request is denied with its own error type.
        var denied = await Eventually(() => host.Client.CallJsonAsync("echo", "ask", ["\"svc.upper\"", "[104,105]"]), r => r.StartsWith("{\"err\""));
        Assert.Contains("no link for wasmcloud:messaging/consumer", denied);

        await host.Client.SendAsync(new PutLink(new LinkDefinition("echo", "msg", "wasmcloud", "messaging", ["consumer"])));
        await host.Client.SendAsync(new PutLink(new LinkDefinition("msg", "echo", "wasmcloud", "messaging", ["handler"], SourceConfig: ["inbox"])));

        // Component -> NATS request: a responder written here with raw NATS answers in upper case.
        await using var responder = await test.SubscribeCoreAsync<byte[]>("svc.upper");
        _ = Task.Run(async () =>
        {
            await foreach (var m in responder.Msgs.ReadAllAsync())
                await m.ReplyAsync(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(m.Data!).ToUpperInvariant()));
        });
        Assert.Equal("{\"ok\":[72,73]}", await Eventually(() => host.Client.CallJsonAsync("echo", "ask", ["\"svc.upper\"", "[104,105]"]), r => r.StartsWith("{\"ok\"")));
        var nobody = await host.Client.CallJsonAsync("echo", "ask", ["\"nobody.home\"", "[1]"]);
        Assert.StartsWith("{\"err\":\"no responders on 'nobody.home'", nobody);

        // NATS -> component: a message on a subscribed subject reaches handle-message, which
        // publishes the body to "lattice.echo.out" (no reply subject) ...
        await using var output = await test.SubscribeCoreAsync<byte[]>("lattice.echo.out");
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        NatsMsg<byte[]> echoed = default;
        while (!wait.IsCancellationRequested)
        {
            await test.PublishAsync("lattice.in", "hello"u8.ToArray());
            using var one = CancellationTokenSource.CreateLinkedTokenSource(wait.Token);
            one.CancelAfter(TimeSpan.FromMilliseconds(500));
            try { echoed = await output.Msgs.ReadAsync(one.Token); break; }
            catch (OperationCanceledException) when (!wait.IsCancellationRequested) { }
        }
        Assert.Equal("hello", Encoding.UTF8.GetString(echoed.Data!));

        // ... and a NATS request gets the body back on its reply subject (the second subscription).
        var reply = await test.RequestAsync<byte[], byte[]>("lattice.direct", "ping"u8.ToArray(), replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(10) });
        Assert.Equal("ping", Encoding.UTF8.GetString(reply.Data!));

        // Deleting the handler link ends the subscriptions: requests find no responders.
        await host.Client.SendAsync(new DeleteLink("msg", "wasmcloud", "messaging", "default"));
        await Eventually(async () =>
        {
            try { await test.RequestAsync<byte[], byte[]>("lattice.direct", "x"u8.ToArray(), replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(1) }); return false; }
            catch (NatsNoRespondersException) { return true; }
        }, gone => gone);
        await Assert.ThrowsAsync<NatsNoRespondersException>(async () =>
            await test.RequestAsync<byte[], byte[]>("lattice.direct", "x"u8.ToArray(), replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(1) }));
    }
}
