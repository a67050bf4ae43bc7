namespace Lattice.Node.Tests;

/// <summary>Specs that start hosts run one class at a time: several clusters at once on 2 cores would
/// only test the failure detector.</summary>
[CollectionDefinition(Name)]
public sealed class HostsCollection
{
    public const string Name = "hosts";
}

public sealed class OneHost : IDisposable
{
    public TestCluster Cluster { get; } = new(1);

    public void Dispose() => Cluster.Dispose();
}

public sealed class ThreeHosts : IDisposable
{
    public TestCluster Cluster { get; } = new(3);

    public void Dispose() => Cluster.Dispose();
}
