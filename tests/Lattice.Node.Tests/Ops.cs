using System.Text.Json.Nodes;

namespace Lattice.Node.Tests;

/// <summary>Ops commands against one host's admin API, as a user types them.</summary>
internal static class Ops
{
    public static LatticeResult Run(HostProcess host, params string[] args) => Run(host.AdminUrl, args);

    public static LatticeResult Run(string adminUrl, params string[] args) => LatticeProcess.Run([.. args, "--host", adminUrl]);

    /// <summary>Runs with <c>-o json</c>, asserts success and parses stdout.</summary>
    public static JsonNode Json(HostProcess host, params string[] args) => Json(host.AdminUrl, args);

    public static JsonNode Json(string adminUrl, params string[] args)
    {
        var result = Run(adminUrl, [.. args, "-o", "json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonNode.Parse(result.Stdout)!;
    }

    /// <summary>Retries <paramref name="args"/> until <paramref name="done"/> holds for its result (cluster state converges), 60 s at most.</summary>
    public static LatticeResult Eventually(HostProcess host, Func<LatticeResult, bool> done, params string[] args) => Eventually(host.AdminUrl, done, args);

    public static LatticeResult Eventually(string adminUrl, Func<LatticeResult, bool> done, params string[] args)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var result = Run(adminUrl, args);
            if (done(result)) return result;
            if (DateTime.UtcNow > deadline) Assert.Fail($"`lattice {string.Join(' ', args)}` never got there\n{result}");
            Thread.Sleep(300);
        }
    }
}
