using System.Text.Json.Nodes;

namespace Lattice.Node.Tests;

/// <summary>
/// N hosts of one lattice on loopback sharing one SQLite database (WAL) in a temp directory: the
/// first seeds, the others join it. Disposed workers first, the seed last (a seed that leaves first
/// stalls the others' shutdown).
/// </summary>
public sealed class TestCluster : IDisposable
{
    private readonly List<HostProcess> _hosts = [];

    internal TestCluster(int count, string? dataRoot = null, params string[] extraSeedFlags)
    {
        Root = dataRoot ?? Directory.CreateTempSubdirectory("lattice-cluster-").FullName;
        OwnsRoot = dataRoot is null;
        Database = $"Data Source={Path.Combine(Root, "lattice.db")};Default Timeout=30;Pooling=True";
        Start(count);
    }

    public string Root { get; }

    private bool OwnsRoot { get; }

    private string Database { get; }

    internal IReadOnlyList<HostProcess> Hosts => _hosts;

    internal HostProcess Seed => _hosts[0];

    private void Start(int count)
    {
        try
        {
            _hosts.Add(HostProcess.Start("host-1", Path.Combine(Root, "host-1"), Database, ["--label", "zone=a", "--label", "n=1"]));
            // Workers start once the seed is up, so they join at the first try.
            _hosts[0].WaitUpAsync().GetAwaiter().GetResult();
            for (var i = 1; i < count; i++)
                _hosts.Add(HostProcess.Start($"host-{i + 1}", Path.Combine(Root, $"host-{i + 1}"), Database,
                    ["--join", $"127.0.0.1:{Seed.Port}", "--label", $"zone={(char)('a' + i)}", "--label", $"n={i + 1}"]));
            Task.WhenAll(_hosts.Select(h => h.WaitUpAsync())).GetAwaiter().GetResult();
            WaitForUpMembers(count);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Polls `cluster show` on the seed until <paramref name="count"/> members are Up (membership converges after the joins).</summary>
    internal void WaitForUpMembers(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var result = LatticeProcess.Run("cluster", "show", "--host", Seed.AdminUrl, "-o", "json");
            if (result.ExitCode == 0 && UpMembers(result.Stdout) == count) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{count} members were not Up within 60 s\n{result}");
            Thread.Sleep(250);
        }
    }

    internal static int UpMembers(string clusterShowJson) =>
        JsonNode.Parse(clusterShowJson)!["members"]!.AsArray().Count(m => (string?)m!["status"] == "up");

    /// <summary>Stops every host, workers first; they can be started again on the same data with <see cref="Restart"/>.</summary>
    internal void StopAll()
    {
        for (var i = _hosts.Count - 1; i >= 0; i--)
        {
            var stopped = _hosts[i];
            stopped.Dispose();
            // The next one leaves once the seed has seen this one go: overlapping removals stall the
            // shard coordinator's state updates, and with them the seed's own shutdown.
            if (i > 0 && !_hosts[0].HasExited) WaitUntilGone(stopped);
        }
        _hosts.Clear();
    }

    private void WaitUntilGone(HostProcess stopped)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var result = LatticeProcess.Run("cluster", "show", "--host", Seed.AdminUrl, "-o", "json");
            if (result.ExitCode != 0 || !result.Stdout.Contains(stopped.Address, StringComparison.Ordinal)) return;
            Thread.Sleep(200);
        }
    }

    internal void Restart(int count)
    {
        StopAll();
        Start(count);
    }

    public void Dispose()
    {
        StopAll();
        if (!OwnsRoot) return;
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}
