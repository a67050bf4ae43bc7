using System.Text.Json;
using System.Text.Json.Nodes;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Lattice.Node.Bridge.Wrpc;
using Lattice.Wit;

namespace Lattice.Node.Tests.Bridge;

/// <summary>
/// One host's life on NATS: it announces itself, keeps serving calls while the NATS server is down
/// (wRPC calls in flight when it goes end with an error, not a hang), reconnects (answering ping and
/// serving wRPC again within 5 s of the server's return), announces itself again with a heartbeat,
/// and stops on `host.stop` with host_stopped.
/// </summary>
[Collection(HostsCollection.Name)]
public sealed class BridgeLifecycleSpec(NatsOnly fixture) : IClassFixture<NatsOnly>
{
    [SkippableFact]
    public async Task A_host_announces_itself_outlives_a_nats_restart_and_stops_on_request()
    {
        NatsTestServer.SkipUnlessInstalled();
        var nats = fixture.Nats!;
        await RecordEventsAsync(nats.Url);
        var bus = await Wasmbus.ConnectAsync(nats.Url);

        var host = fixture.StartHost();
        var id = fixture.HostIds[0];
        var started = await bus.EventAsync("host_started");
        Assert.Equal(id, (string?)bus.Find("host_started").Single()["source"]);
        Assert.Equal(["friendly_name", "labels", "uptime_seconds", "version"], started.Select(p => p.Key));
        Assert.Equal(0, (int)started["uptime_seconds"]!);
        Assert.Equal("a", (string?)started["labels"]!["zone"]);

        var bench = new Uri(TestPaths.Fixture("wat/bench.wasm")).AbsoluteUri;
        var ack = await bus.RequestAsync($"component.scale.{id}", JsonSerializer.Serialize(new { component_ref = bench, component_id = "life-bench", count = 1 }));
        Assert.True((bool)ack["success"]!, ack.ToJsonString());
        await bus.EventAsync("component_scaled", d => (string?)d["component_id"] == "life-bench");
        CliAssert.Printed("5", Ops.Eventually(host, r => r.ExitCode == 0, "call", "life-bench", "add", "2", "3"));
        await bus.DisposeAsync();

        // wRPC traffic while the server goes away: every call ends (results or an error), none hangs.
        using var stopTraffic = new CancellationTokenSource();
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var traffic = WrpcTrafficAsync(nats.Url, flowing, stopTraffic.Token);
        // The bridge serves the component within a second or so of its start: kill once calls go through.
        await flowing.Task.WaitAsync(TimeSpan.FromSeconds(60));
        nats.Kill();
        CliAssert.Printed("7", Ops.Run(host, "call", "life-bench", "add", "3", "4"));
        Assert.Contains(Ops.Json(host, "get", "components").AsArray(), c => (string?)c!["id"] == "life-bench");
        await stopTraffic.CancelAsync();
        // Every call in flight when the server went ended (results or an error) instead of hanging.
        await traffic.WaitAsync(TimeSpan.FromSeconds(30));

        nats.Start();
        var back = DateTime.UtcNow;
        bus = await Wasmbus.ConnectAsync(nats.Url);
        await using (bus)
        {
            while ((await bus.GatherAsync("host.ping", null, 1, TimeSpan.FromMilliseconds(500))).Count == 0)
                Assert.True(DateTime.UtcNow - back < TimeSpan.FromSeconds(5), $"no ping answer within 5 s of the NATS server's return\n{fixture.Output}");
            await using (var rpc = await WrpcAsync(nats.Url))
            {
                while (true)
                {
                    try
                    {
                        Assert.Equal(42u, (await rpc.Client.InvokeAsync(Prefix, Add, [WitValue.U32(40), WitValue.U32(2)])).Single().AsU32());
                        break;
                    }
                    catch (WrpcException) when (DateTime.UtcNow - back < TimeSpan.FromSeconds(5)) { await Task.Delay(100); }
                }
            }

            var heartbeat = await RecordedAsync(nats.Url, "host_heartbeat", since: back);
            Assert.Equal(id, (string?)heartbeat["source"]);
            var inventory = heartbeat["data"]!;
            Assert.Equal(["components", "providers", "host_id", "friendly_name", "labels", "version", "uptime_human", "uptime_seconds"],
                inventory.AsObject().Select(p => p.Key));
            Assert.Equal(id, (string?)inventory["host_id"]);
            var component = inventory["components"]!.AsArray().Single(c => (string?)c!["id"] == "life-bench")!;
            Assert.Equal(bench, (string?)component["image_ref"]);

            var stop = await bus.RequestAsync($"host.stop.{id}", JsonSerializer.Serialize(new { host_id = id, timeout = 10000 }));
            Assert.Equal("""{"success":true,"message":"successfully handled stop host"}""", stop.ToJsonString());
            var stopped = await bus.EventAsync("host_stopped");
            Assert.Equal(["labels"], stopped.Select(p => p.Key));
            Assert.Equal(id, (string?)bus.Find("host_stopped").Single()["source"]);
            Assert.True(host.WaitForExit(TimeSpan.FromSeconds(60)), fixture.Output);
            Assert.Equal(0, host.ExitCode);
        }
    }

    private const string Prefix = "default.life-bench";
    private static readonly WrpcFunction Add = new("", "add", [WitType.U32, WitType.U32], [WitType.U32]);

    private sealed record Rpc(NatsConnection Connection, WrpcClient Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }

    private static async Task<Rpc> WrpcAsync(string url)
    {
        var connection = new NatsConnection(new NatsOpts { Url = url, Name = "life-wrpc" });
        await connection.ConnectAsync();
        return new Rpc(connection, new WrpcClient(connection, new WrpcClientOptions { Timeout = TimeSpan.FromSeconds(3) }));
    }

    /// <summary>Calls add over wRPC back to back until stopped (<paramref name="flowing"/> once one answered right); a wrong answer fails.</summary>
    private static async Task WrpcTrafficAsync(string url, TaskCompletionSource flowing, CancellationToken stop)
    {
        await using var rpc = await WrpcAsync(url);
        for (var i = 0u; !stop.IsCancellationRequested; i++)
        {
            try
            {
                Assert.Equal(i + 1, (await rpc.Client.InvokeAsync(Prefix, Add, [WitValue.U32(i), WitValue.U32(1)])).Single().AsU32());
                flowing.TrySetResult();
            }
            catch (Exception e) when (e is WrpcException or NatsException or OperationCanceledException)
            {
                await Task.Delay(50, CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// A JetStream stream of every lattice event, kept by the server across its restart: it holds
    /// what the host published the moment it reconnected, whoever else had reconnected by then.
    /// </summary>
    private static async Task RecordEventsAsync(string url)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = url });
        await new NatsJSContext(connection).CreateStreamAsync(new StreamConfig("lattice_events", ["wasmbus.evt.default.>"]) { Storage = StreamConfigStorage.File });
    }

    /// <summary>
    /// The first event named <paramref name="name"/> recorded since <paramref name="since"/>. Waits up to 40 s: the
    /// heartbeat the host sends the moment it reconnects can reach the server while JetStream is still
    /// recovering its streams after the restart, and then only the next periodic one (30 s) is recorded.
    /// </summary>
    private static async Task<JsonObject> RecordedAsync(string url, string name, DateTime since)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = url });
        var js = new NatsJSContext(connection);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        while (true)
        {
            var consumer = await js.CreateOrderedConsumerAsync("lattice_events", new NatsJSOrderedConsumerOpts
            {
                FilterSubjects = [$"wasmbus.evt.default.{name}"], DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartTime, OptStartTime = since,
            });
            await foreach (var m in consumer.FetchNoWaitAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = 1 }))
                return JsonNode.Parse(m.Data ?? [])!.AsObject();
            if (DateTime.UtcNow > deadline) Assert.Fail($"no {name} event recorded within 40 s");
            await Task.Delay(200);
        }
    }
}
