using System.Diagnostics;
using NATS.Client.Core;

namespace Lattice.Node.Tests.Bridge;

/// <summary>A NATS server without JetStream: no shared buckets, one warning, and the bridge works on.</summary>
[Collection(HostsCollection.Name)]
public sealed class SharedBucketsWithoutJetStreamSpec
{
    [SkippableFact]
    public async Task The_bridge_warns_once_and_answers_without_the_buckets()
    {
        NatsTestServer.SkipUnlessInstalled();
        var root = Directory.CreateTempSubdirectory("lattice-nojs-").FullName;
        var port = HostProcess.FreePort();
        var url = $"nats://127.0.0.1:{port}";
        using var nats = Process.Start(new ProcessStartInfo(NatsTestServer.Binary!, ["-a", "127.0.0.1", "-p", port.ToString()])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        try
        {
            await using var bus = await ConnectAsync(url);
            using var host = HostProcess.Start("host-nojs", Path.Combine(root, "host"), $"Data Source={Path.Combine(root, "lattice.db")}", ["--nats", url]);
            await host.WaitUpAsync();

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!host.Output.Contains("JetStream is not available", StringComparison.Ordinal))
            {
                if (DateTime.UtcNow > deadline) Assert.Fail($"no JetStream warning\n{host.Output}");
                await Task.Delay(100);
            }
            var ping = await bus.GatherAsync("host.ping", null, 1, TimeSpan.FromSeconds(10));
            Assert.Single(ping);
            var put = await bus.RequestAsync("config.put.nojs", """{"k":"v"}""");
            Assert.True((bool)put["success"]!, put.ToJsonString());
            Assert.Equal("v", (string?)(await bus.RequestAsync("config.get.nojs"))["response"]!["k"]);
            var warning = Assert.Single(host.Output.Split('\n'), l => l.Contains("JetStream is not available", StringComparison.Ordinal));
            Assert.Contains("links and configs are not shared with wasmCloud hosts", warning);
        }
        finally
        {
            nats.Kill(entireProcessTree: true);
            nats.WaitForExit(10_000);
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<Wasmbus> ConnectAsync(string url)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try { return await Wasmbus.ConnectAsync(url); }
            catch (NatsException) when (DateTime.UtcNow < deadline) { await Task.Delay(100); }
        }
    }
}
