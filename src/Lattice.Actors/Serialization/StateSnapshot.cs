using System.Collections.Immutable;
using Lattice.Model;

namespace Lattice.Serialization;

/// <summary>
/// The wire and snapshot form of <see cref="LatticeState"/>: plain arrays, no immutable collections.
/// Fields added later are nullable: snapshots written before them still read.
/// </summary>
internal sealed record StateSnapshot(LinkDefinition[] Links, NamedConfig[] Configs, ComponentSpec[] Components, ProviderSpec[] Providers, long Version,
    Dictionary<string, HostLabelChanges>? HostLabels = null)
{
    public static StateSnapshot From(LatticeState s) =>
        new([.. s.Links], [.. s.Configs.Values], [.. s.Components.Values], [.. s.Providers.Values], s.Version,
            s.HostLabels.IsEmpty ? null : s.HostLabels.ToDictionary());

    public LatticeState ToState() => new(
        [.. Links],
        Configs.ToImmutableDictionary(c => c.Name),
        Components.ToImmutableDictionary(c => c.Id),
        Providers.ToImmutableDictionary(p => p.Id),
        Version)
    {
        HostLabels = HostLabels?.ToImmutableDictionary() ?? ImmutableDictionary<string, HostLabelChanges>.Empty,
    };
}
