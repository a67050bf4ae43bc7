// The lattice's call path against its baselines, in one process and one run:
//  - same host: a call routed through the lattice (client -> router -> local instance actor on its
//    pinned thread -> reply) vs the direct component call of the component host (no actors);
//  - cross host: a call from a host without an instance to one whose instance runs on another host
//    (a second actor system in this process, talking over real loopback TCP remoting) vs a raw
//    Akka remote ask to an echo actor on that host.
// Prints p50/p99 and the overhead/ratio. Run: dotnet run --project tests/Lattice.Benchmarks -c Release -- --lattice
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster;
using Lattice.Actors;
using Lattice.Model;
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Benchmarks;

internal static class LatticeBench
{
    public static async Task RunAsync(string repo, bool quick)
    {
        var n = quick ? 2_000 : 20_000;
        var bench = File.ReadAllBytes(Path.Combine(repo, "tests", "fixtures", "wat", "bench.wasm"));

        // Baseline 1: the direct component call.
        using var engine = new WasmEngine();
        using var cache = new ComponentCache(engine, Path.Combine(Path.GetTempPath(), "lattice-bench-cache"));
        using var linker = new ComponentLinker(engine);
        using var direct = new RecyclingInstance(linker, cache.Load(bench));

        var seedPort = FreePort();
        var a = await StartHost("a", seedPort, [], new Dictionary<string, string> { ["role"] = "caller" });
        var b = await StartHost("b", FreePort(), [$"127.0.0.1:{seedPort}"], new Dictionary<string, string> { ["role"] = "worker" });
        try
        {
            var sha = await a.Runtime.Client.Artifacts.PutAsync(bench);
            await a.Runtime.Client.SendAsync(new StartComponent(new ComponentSpec("local", sha, 1, PlacementLabels: new Dictionary<string, string> { ["role"] = "caller" })));
            await a.Runtime.Client.SendAsync(new StartComponent(new ComponentSpec("remote", sha, 1, PlacementLabels: new Dictionary<string, string> { ["role"] = "worker" })));
            await Ready(a.Runtime.Client, "local");
            await Ready(a.Runtime.Client, "remote");
            // A shard allocated before the second host registered sits on the wrong host until the
            // next rebalance round moves it (placement labels): measure only once both are placed.
            await Placed(a.Runtime, "local/0");
            await Placed(b.Runtime, "remote/0");
            await Ready(a.Runtime.Client, "remote");

            var echo = b.System.ActorOf(Props.Create(() => new Echo()), "echo");
            var remoteEcho = await a.System.ActorSelection($"akka.tcp://bench@127.0.0.1:{b.Port}/user/echo").ResolveOne(TimeSpan.FromSeconds(5));

            // Each pair is measured in alternating rounds, so drift on this noisy box (JIT tiering,
            // cluster chatter after startup, neighbours) hits both sides of a ratio alike.
            var local = await MeasureInterleavedAsync(n,
                ("direct component call (add)", () => { direct.Call("", "add", WitValue.U32(2), WitValue.U32(3)); return Task.CompletedTask; }),
                ("same-host routed call (add)", () => a.Runtime.Client.CallJsonAsync("local", "add", ["2", "3"])));
            var remote = await MeasureInterleavedAsync(n / 4,
                ("cross-host routed call (add)", () => a.Runtime.Client.CallJsonAsync("remote", "add", ["2", "3"])),
                ("raw Akka remote ask (same payload size)", () => remoteEcho.Ask<InvokeReply>(new InvokeJson("remote", "add", ["2", "3"], TimeSpan.FromSeconds(5)), TimeSpan.FromSeconds(5))));
            var (directCall, routedLocal, routedRemote, rawAsk) = (local[0], local[1], remote[0], remote[1]);

            Console.WriteLine($"Lattice call path, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}; two hosts in one process over loopback TCP");
            Console.WriteLine();
            Console.WriteLine("| operation | p50 (µs) | p99 (µs) |");
            Console.WriteLine("|---|---:|---:|");
            foreach (var m in new[] { directCall, routedLocal, routedRemote, rawAsk })
                Console.WriteLine($"| {m.Name} | {m.P50Micros:F1} | {m.P99Micros:F1} |");
            Console.WriteLine();
            Console.WriteLine($"same-host overhead (routed - direct, p50): {routedLocal.P50Micros - directCall.P50Micros:F1} µs (target <= 10 µs)");
            Console.WriteLine($"cross-host routed / raw remote ask (p50): {routedRemote.P50Micros / rawAsk.P50Micros:F2}x (target <= 1.3x)");
        }
        finally
        {
            await CoordinatedShutdown.Get(b.System).Run(CoordinatedShutdown.ClrExitReason.Instance);
            await CoordinatedShutdown.Get(a.System).Run(CoordinatedShutdown.ClrExitReason.Instance);
        }
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => Receive<InvokeJson>(_ => Sender.Tell(new InvokeReply("5", null, null)));
    }

    private sealed record Host(ActorSystem System, LatticeRuntime Runtime, int Port);

    private static async Task<Host> StartHost(string name, int port, string[] join, Dictionary<string, string> labels)
    {
        var options = new LatticeHostOptions
        {
            Lattice = "bench",
            DataDirectory = Path.Combine(Path.GetTempPath(), "lattice-bench-db-" + Environment.ProcessId),
            Port = port,
            Join = join,
            Labels = labels,
        };
        var system = ActorSystem.Create("bench", Akka.Configuration.ConfigurationFactory.ParseString(Environment.GetEnvironmentVariable("BENCH_HOCON") ?? "").WithFallback(LatticeConfig.Build(options)));
        var up = new TaskCompletionSource();
        Cluster.Get(system).RegisterOnMemberUp(() => up.TrySetResult());
        var runtime = await LatticeRuntime.StartAsync(system, options);
        await up.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return new Host(system, runtime, port);
    }

    private static async Task Ready(LatticeClient client, string component)
    {
        for (var i = 0; i < 300; i++)
        {
            try { await client.CallJsonAsync(component, "add", ["1", "1"]); return; }
            catch (LatticeCallException) { await Task.Delay(100); }
        }
        throw new TimeoutException($"{component} never became ready");
    }

    private static async Task Placed(LatticeRuntime host, string entityId)
    {
        for (var i = 0; i < 600; i++)
        {
            if ((await host.InventoryAsync()).Any(e => e.EntityId == entityId)) return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"{entityId} was never placed on its host");
    }

    /// <summary>Measures <paramref name="ops"/> in alternating rounds of 250 calls (see RunAsync), after a warm-up of each.</summary>
    internal static async Task<Measurement[]> MeasureInterleavedAsync(int iterations, params (string Name, Func<Task> Op)[] ops)
    {
        const int round = 250;
        foreach (var (_, op) in ops)
            for (var i = 0; i < Math.Max(round, iterations / 5); i++) await op();
        var ticks = ops.Select(_ => new List<long>(iterations)).ToArray();
        while (ticks[0].Count < iterations)
            for (var k = 0; k < ops.Length; k++)
                for (var i = 0; i < round; i++)
                {
                    var start = System.Diagnostics.Stopwatch.GetTimestamp();
                    await ops[k].Op();
                    ticks[k].Add(System.Diagnostics.Stopwatch.GetTimestamp() - start);
                }
        return ops.Select((o, k) =>
        {
            var sorted = ticks[k].Order().ToArray();
            double Micros(long t) => t * 1_000_000.0 / System.Diagnostics.Stopwatch.Frequency;
            return new Measurement(o.Name, Micros(sorted[sorted.Length / 2]), Micros(sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.99))]), sorted.Length);
        }).ToArray();
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
