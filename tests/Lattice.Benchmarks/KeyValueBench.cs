// Key-value through a component, per backend, in one process and one run: kvcounter.wasm's `put`
// (open + set + drop), `fetch` (open + get + drop) and `increment` (open + atomics.increment + drop),
// called through the lattice (same host) with the bucket linked to a keyvalue, keyvalue-redis or
// keyvalue-nats provider. The baseline is the same routed call path without key-value (bench.wasm's
// `add`), measured in the same rounds, so the "kv cost" column is what the backend round trip adds.
// Starts its own redis-server and nats-server -js on free loopback ports (Debian packages).
//   dotnet run --project tests/Lattice.Benchmarks -c Release -- --kv [--quick]
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster;
using Lattice.Actors;
using Lattice.Model;
using Lattice.Providers;

namespace Lattice.Benchmarks;

internal static class KeyValueBench
{
    public static async Task RunAsync(string repo, bool quick)
    {
        var n = quick ? 500 : 5_000;
        using var redis = Server.Start("redis-server", port => ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        var natsDir = Directory.CreateTempSubdirectory("lattice-kv-bench-nats-").FullName;
        using var nats = Server.Start("nats-server", port => ["-a", "127.0.0.1", "-p", port.ToString(), "-js", "-sd", natsDir]);

        var options = new LatticeHostOptions
        {
            Lattice = "kvbench",
            DataDirectory = Directory.CreateTempSubdirectory("lattice-kv-bench-").FullName,
            Port = LatticeBench.FreePort(),
        };
        var system = ActorSystem.Create(options.Lattice, LatticeConfig.Build(options));
        var up = new TaskCompletionSource();
        Cluster.Get(system).RegisterOnMemberUp(() => up.TrySetResult());
        var runtime = await LatticeRuntime.StartAsync(system, options, BuiltInProviders.Catalog);
        await up.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var client = runtime.Client;
        try
        {
            var counter = await client.Artifacts.PutAsync(File.ReadAllBytes(Path.Combine(repo, "tests", "fixtures", "wat", "kvcounter.wasm")));
            var bench = await client.Artifacts.PutAsync(File.ReadAllBytes(Path.Combine(repo, "tests", "fixtures", "wat", "bench.wasm")));
            await client.SendAsync(new StartComponent(new ComponentSpec("add", bench, 1)));
            await client.SendAsync(new PutConfig(new NamedConfig("redis", new Dictionary<string, string> { ["URL"] = redis.Url("redis") })));
            await client.SendAsync(new PutConfig(new NamedConfig("nats", new Dictionary<string, string> { ["cluster_uri"] = nats.Url("nats") })));
            var backends = new (string Name, string Kind, string[] Config)[]
            {
                ("sqlite (lattice database)", "keyvalue", []),
                ("redis", "keyvalue-redis", ["redis"]),
                ("nats jetstream kv", "keyvalue-nats", ["nats"]),
            };
            foreach (var (name, kind, config) in backends)
            {
                var id = kind;
                await client.SendAsync(new StartProvider(new ProviderSpec($"{id}-p", kind, config)));
                await client.SendAsync(new StartComponent(new ComponentSpec($"{id}-c", counter, 1)));
                await client.SendAsync(new PutLink(new LinkDefinition($"{id}-c", $"{id}-p", "wasi", "keyvalue", ["store", "atomics"])));
                await Ready(() => client.CallJsonAsync($"{id}-c", "put", ["\"bench\"", "\"k\"", "\"v\""]));
            }
            await Ready(async () => await client.CallJsonAsync("add", "add", ["2", "3"]) == "5" ? "{\"ok\":5}" : "not yet");

            Console.WriteLine($"Key-value through a component (kvcounter.wasm), same host, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}, {n} calls each");
            Console.WriteLine();
            Console.WriteLine("| backend | operation | p50 (µs) | p99 (µs) | baseline call p50 (µs) | kv cost p50 (µs) |");
            Console.WriteLine("|---|---|---:|---:|---:|---:|");
            foreach (var (name, kind, _) in backends)
            {
                var c = $"{kind}-c";
                var value = "\"" + new string('x', 100) + "\"";
                var rows = await LatticeBench.MeasureInterleavedAsync(n,
                    ("baseline", () => client.CallJsonAsync("add", "add", ["2", "3"])),
                    ("put (100 B)", () => client.CallJsonAsync(c, "put", ["\"bench\"", "\"k\"", value])),
                    ("fetch", () => client.CallJsonAsync(c, "fetch", ["\"bench\"", "\"k\""])),
                    ("increment", () => client.CallJsonAsync(c, "increment", ["\"bench\"", "\"n\""])));
                foreach (var row in rows.Skip(1))
                    Console.WriteLine($"| {name} | {row.Name} | {row.P50Micros:F0} | {row.P99Micros:F0} | {rows[0].P50Micros:F0} | {row.P50Micros - rows[0].P50Micros:F0} |");
            }
        }
        finally
        {
            await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
            runtime.Dispose();
            try { Directory.Delete(natsDir, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task Ready(Func<Task<string>> call)
    {
        var last = "";
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((last = await call()).StartsWith("{\"ok\"")) return;
            }
            catch (LatticeCallException e) { last = e.Message; }
            await Task.Delay(100);
        }
        throw new TimeoutException("the key-value component never became ready: " + last);
    }

    /// <summary>A server process on a free loopback port, killed on dispose.</summary>
    internal sealed class Server(Process process, int port) : IDisposable
    {
        public string Url(string scheme) => $"{scheme}://127.0.0.1:{port}";

        public static Server Start(string binary, Func<int, string[]> args)
        {
            var path = new[] { "/usr/bin", "/usr/sbin", "/usr/local/bin" }.Select(d => Path.Combine(d, binary)).FirstOrDefault(File.Exists)
                ?? throw new InvalidOperationException($"{binary} is not installed (apt-get install -y {binary})");
            var port = LatticeBench.FreePort();
            var psi = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args(port)) psi.ArgumentList.Add(a);
            var p = Process.Start(psi)!;
            p.OutputDataReceived += (_, _) => { };
            p.ErrorDataReceived += (_, _) => { };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            for (var i = 0; i < 200; i++)
            {
                try
                {
                    using var c = new TcpClient();
                    c.Connect(IPAddress.Loopback, port);
                    return new Server(p, port);
                }
                catch (SocketException) { Thread.Sleep(50); }
            }
            p.Kill();
            throw new InvalidOperationException($"{binary} did not start on port {port}");
        }

        public void Dispose()
        {
            try { process.Kill(entireProcessTree: true); process.WaitForExit(5000); } catch (InvalidOperationException) { }
            process.Dispose();
        }
    }
}
