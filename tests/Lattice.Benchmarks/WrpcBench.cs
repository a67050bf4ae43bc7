// A wRPC call into the lattice against a raw NATS request/reply, on one nats-server, in one run:
//  - wRPC: our WrpcClient calls bench.wasm's `add` on `default.bench.wrpc.0.0.1.add`; a real
//    `lattice up --nats` host (a child process) answers it through the lattice (its local instance);
//  - raw: NATS.Net RequestAsync to a subscriber that echoes the payload (the least a NATS round trip costs).
// Prints p50/p99 of each (measured in alternating rounds), the ratio of the medians, and the calls
// per second with 32 concurrent callers. Run:
//   dotnet run --project tests/Lattice.Benchmarks -c Release -- --wrpc [--quick]
using System.Diagnostics;
using Lattice.Node.Bridge.Wrpc;
using Lattice.Wit;
using NATS.Client.Core;

namespace Lattice.Benchmarks;

internal static class WrpcBench
{
    private const int Callers = 32;

    public static async Task RunAsync(string repo, bool quick)
    {
        var n = quick ? 2_000 : 20_000;
        var throughputFor = TimeSpan.FromSeconds(quick ? 2 : 5);
        using var nats = KeyValueBench.Server.Start("nats-server", port => ["-a", "127.0.0.1", "-p", port.ToString()]);
        var root = Directory.CreateTempSubdirectory("lattice-wrpc-bench-").FullName;
        var host = LatticeHost.Start(root, nats.Url("nats"));
        try
        {
            LatticeHost.Cli(host.AdminUrl, "component", "start", "bench", Path.Combine(repo, "tests", "fixtures", "wat", "bench.wasm"),
                "--instances", "4"); // 32 callers would overflow one instance's bounded queue (Overloaded)

            await using var clientNats = new NatsConnection(new NatsOpts { Url = nats.Url("nats"), Name = "wrpc-bench-client" });
            await using var echoNats = new NatsConnection(new NatsOpts { Url = nats.Url("nats"), Name = "wrpc-bench-echo" });
            await using var client = new WrpcClient(clientNats, new WrpcClientOptions { Timeout = TimeSpan.FromSeconds(30) });
            var prefix = WrpcSubjects.Prefix("default", "bench");
            var add = new WrpcFunction("", "add", [WitType.U32, WitType.U32], [WitType.U32]);
            WitValue[] args = [WitValue.U32(2), WitValue.U32(3)];
            await WaitServedAsync(client, prefix, add, args, host);

            using var stop = new CancellationTokenSource();
            var echo = await echoNats.SubscribeCoreAsync<byte[]>("bench.echo", cancellationToken: stop.Token);
            var echoing = Task.Run(async () =>
            {
                try
                {
                    await foreach (var m in echo.Msgs.ReadAllAsync(stop.Token)) await m.ReplyAsync(m.Data);
                }
                catch (OperationCanceledException) { }
            });
            await echoNats.PingAsync();
            var payload = new byte[] { 2, 3 }; // what the wRPC call's first message carries

            Task Wrpc() => client.InvokeAsync(prefix, add, args);
            Task Raw() => clientNats.RequestAsync<byte[], byte[]>("bench.echo", payload).AsTask();
            var latency = await LatticeBench.MeasureInterleavedAsync(n, ("wRPC call through the lattice (add)", Wrpc), ("raw NATS request/reply echo", Raw));
            var wrpcRate = await ThroughputAsync(Wrpc, throughputFor);
            var rawRate = await ThroughputAsync(Raw, throughputFor);
            stop.Cancel();
            await echo.DisposeAsync();
            await echoing;

            Console.WriteLine($"wRPC over NATS vs raw NATS request/reply, one nats-server and one `lattice up --nats` host on loopback, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}, {n} calls each");
            Console.WriteLine();
            Console.WriteLine("| operation | p50 (µs) | p99 (µs) | calls/s, 32 callers |");
            Console.WriteLine("|---|---:|---:|---:|");
            Console.WriteLine($"| {latency[0].Name} | {latency[0].P50Micros:F0} | {latency[0].P99Micros:F0} | {wrpcRate:F0} |");
            Console.WriteLine($"| {latency[1].Name} | {latency[1].P50Micros:F0} | {latency[1].P99Micros:F0} | {rawRate:F0} |");
            Console.WriteLine();
            Console.WriteLine($"wRPC/raw p50: {latency[0].P50Micros / latency[1].P50Micros:F2}x (target <= 2x); throughput raw/wRPC: {rawRate / wrpcRate:F2}x");
        }
        finally
        {
            host.Dispose();
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task WaitServedAsync(WrpcClient client, string prefix, WrpcFunction add, WitValue[] args, LatticeHost host)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                await client.InvokeAsync(prefix, add, args);
                return;
            }
            catch (WrpcException e)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"bench is not served over wRPC: {e.Message}\n{host.Output}");
                await Task.Delay(200);
            }
        }
    }

    /// <summary>Calls per second of <see cref="Callers"/> loops calling <paramref name="op"/> back to back.</summary>
    private static async Task<double> ThroughputAsync(Func<Task> op, TimeSpan duration)
    {
        for (var i = 0; i < 500; i++) await op();
        long calls = 0;
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                await op();
                Interlocked.Increment(ref calls);
            }
        })));
        return calls / ((Stopwatch.GetTimestamp() - started) / (double)Stopwatch.Frequency);
    }

    /// <summary>`lattice up --nats` as a child process (the lattice.dll built beside the benchmarks).</summary>
    private sealed class LatticeHost(Process process, string adminUrl) : IDisposable
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

        public string AdminUrl => adminUrl;

        public string Output => string.Join('\n', _output);

        public static LatticeHost Start(string root, string natsUrl)
        {
            var admin = LatticeBench.FreePort();
            var psi = Dotnet("up", "--data", Path.Combine(root, "host"), "--port", LatticeBench.FreePort().ToString(), "--admin-port", admin.ToString(),
                "--db", $"Data Source={Path.Combine(root, "lattice.db")};Pooling=True", "--db-provider", "SQLite.MS", "--nats", natsUrl);
            psi.Environment["LATTICE_CACHE_DIR"] = Path.Combine(root, "cache");
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
            var host = new LatticeHost(process, $"http://127.0.0.1:{admin}");
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                host._output.Enqueue(e.Data);
                if (e.Data.StartsWith("host ", StringComparison.Ordinal)) up.TrySetResult();
            };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) host._output.Enqueue(e.Data); };
            process.Exited += (_, _) => up.TrySetException(new InvalidOperationException("lattice up exited:\n" + host.Output));
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!up.Task.Wait(TimeSpan.FromSeconds(90))) throw new TimeoutException("lattice up did not come up:\n" + host.Output);
            return host;
        }

        public static void Cli(string adminUrl, params string[] args)
        {
            var psi = Dotnet([.. args, "--host", adminUrl]);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"lattice {string.Join(' ', args)} failed: {stdout.Result}{stderr}");
        }

        private static ProcessStartInfo Dotnet(params string[] args)
        {
            var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lattice.dll"));
            foreach (var a in args) psi.ArgumentList.Add(a);
            return psi;
        }

        public void Dispose()
        {
            try { process.Kill(entireProcessTree: true); process.WaitForExit(10_000); } catch (InvalidOperationException) { }
            process.Dispose();
        }
    }
}
