using System.Text.RegularExpressions;
using NATS.Client.Core;

namespace Lattice.Node.Tests.Bridge;

/// <summary>
/// A real nats-server and <paramref name="count"/> `lattice up --nats` hosts of the default lattice
/// on loopback (one shared SQLite database; host-1 seeds and has zone=a, host-2 zone=b, ...). Nothing
/// is started when nats-server is missing: the specs skip.
/// </summary>
public partial class BridgeHosts : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lattice-bridge-").FullName;
    private readonly List<HostProcess> _hosts = [];
    private readonly List<string> _hostIds = [];

    public BridgeHosts() : this(2)
    {
    }

    protected BridgeHosts(int count)
    {
        if (NatsTestServer.Binary is null) return;
        Nats = new NatsTestServer(maxPayload: 1024 * 1024);
        try
        {
            for (var i = 0; i < count; i++) StartHost();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    internal NatsTestServer? Nats { get; }

    internal IReadOnlyList<HostProcess> Hosts => _hosts;

    /// <summary>Each host's id, from its "host N... up" line.</summary>
    internal IReadOnlyList<string> HostIds => _hostIds;

    private string Database => $"Data Source={Path.Combine(_root, "lattice.db")};Default Timeout=30;Pooling=True";

    internal HostProcess StartHost()
    {
        var i = _hosts.Count;
        string[] flags = ["--nats", Nats!.Url, "--label", $"zone={(char)('a' + i)}"];
        if (i > 0) flags = [.. flags, "--join", $"127.0.0.1:{_hosts[0].Port}"];
        var host = HostProcess.Start($"host-{i + 1}", Path.Combine(_root, $"host-{i + 1}"), Database, flags);
        _hosts.Add(host);
        var up = host.WaitUpAsync().GetAwaiter().GetResult();
        var id = UpLine().Match(up).Groups[1].Value;
        _hostIds.Add(id);
        WaitForBridge(id, host);
        return host;
    }

    /// <summary>The bridge connects after the host is up: wait until it answers for its host id.</summary>
    internal void WaitForBridge(string hostId, HostProcess host) => WaitForBridgeAsync(hostId, host).GetAwaiter().GetResult();

    private async Task WaitForBridgeAsync(string hostId, HostProcess host)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        await using var nats = new NatsConnection(new NatsOpts { Url = Nats!.Url });
        while (true)
        {
            try
            {
                await nats.RequestAsync<byte[], byte[]>($"wasmbus.ctl.v1.default.host.get.{hostId}", [], replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(2) });
                return;
            }
            catch (NatsException e)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"{host.Name}'s bridge did not answer within 60 s: {e.Message}\n{host.Output}");
                await Task.Delay(200);
            }
        }
    }

    /// <summary>Everything every host said, for assertion messages.</summary>
    internal string Output => string.Join("\n", _hosts.Select(h => $"--- {h.Name}\n{h.Output}"));

    public void Dispose()
    {
        for (var i = _hosts.Count - 1; i >= 0; i--) _hosts[i].Dispose();
        Nats?.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }

    [GeneratedRegex("^host (N[A-Z2-7]{55}) up")]
    private static partial Regex UpLine();
}

/// <summary>Only the NATS server: the spec starts its host itself (to see it start) and may stop both.</summary>
public sealed class NatsOnly : BridgeHosts
{
    public NatsOnly() : base(0)
    {
    }
}
