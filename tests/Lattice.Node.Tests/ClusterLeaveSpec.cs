namespace Lattice.Node.Tests;

/// <summary>`cluster leave`: the member hands its shards off, leaves the cluster, and its process exits by itself.</summary>
[Collection(HostsCollection.Name)]
public sealed class ClusterLeaveSpec : IDisposable
{
    private readonly TestCluster _cluster = new(2);

    [Fact]
    public void A_member_told_to_leave_through_another_host_exits_and_the_cluster_shrinks()
    {
        var seed = _cluster.Hosts[0];
        var worker = _cluster.Hosts[1];
        CliAssert.Printed($"leaving: {worker.Address}", Ops.Run(seed, "cluster", "leave", $"127.0.0.1:{worker.Port}"));

        Assert.True(worker.WaitForExit(TimeSpan.FromSeconds(40)), "the worker did not exit after leaving\n" + worker.Output);
        Assert.True(worker.ExitCode == 0, $"exit {worker.ExitCode}\n{worker.Output}");
        var cluster = Ops.Eventually(seed, r => r.ExitCode == 0 && TestCluster.UpMembers(r.Stdout) == 1 && !r.Stdout.Contains(worker.Address),
            "cluster", "show", "-o", "json");
        Assert.Contains(seed.Address, cluster.Stdout);
    }

    [Fact]
    public void Leaving_an_address_that_is_not_a_member_is_refused() =>
        CliAssert.FailedWith("is not a member of this cluster", Ops.Run(_cluster.Seed, "cluster", "leave", "127.0.0.1:1"), exitCode: 1);

    public void Dispose() => _cluster.Dispose();
}
