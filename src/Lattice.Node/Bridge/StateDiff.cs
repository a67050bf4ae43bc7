// The lattice events a change of the desired state stands for, when no ctl request caused it (the
// admin API, `lattice` CLI): links put or deleted, configs set or deleted, components started,
// scaled, updated or stopped, providers started or stopped. Plain C#, so it is tested on its own.
// Component and provider events name the publishing host: the lattice decides where instances run.
using Lattice.Model;

namespace Lattice.Node.Bridge;

internal static class StateDiff
{
    public static IReadOnlyList<BusEvent> Events(LatticeState before, LatticeState after, string hostId, KnownRefs refs)
    {
        var events = new List<BusEvent>();

        foreach (var link in after.Links.Where(l => !before.Links.Any(b => Same(b, l))))
            events.Add(EventData.LinkdefSet(LinkMapping.ToCtl(link)));
        foreach (var gone in before.Links.Where(l => !after.Links.Any(a => a.SameKey(l))))
            events.Add(EventData.LinkdefDeleted(gone.Source, gone.Target, gone.Name, gone.Namespace, gone.Package, gone.Interfaces));

        foreach (var (name, config) in after.Configs)
            if (!before.Configs.TryGetValue(name, out var old) || !SameValues(old, config)) events.Add(EventData.ConfigSet(name));
        foreach (var name in before.Configs.Keys.Where(n => !after.Configs.ContainsKey(n)))
            events.Add(EventData.ConfigDeleted(name));

        foreach (var (id, spec) in after.Components)
            if (!before.Components.TryGetValue(id, out var old) || !Same(old, spec))
                events.Add(EventData.ComponentScaled(refs.ComponentAnnotations(spec), hostId, refs.ComponentRef(spec), (uint)spec.Instances, id));
        foreach (var (id, old) in before.Components.Where(c => !after.Components.ContainsKey(c.Key)))
            events.Add(EventData.ComponentScaled(refs.ComponentAnnotations(old), hostId, refs.ComponentRef(old), 0, id));

        foreach (var (id, spec) in after.Providers)
            if (!before.Providers.TryGetValue(id, out var old) || !Same(old, spec))
                events.Add(EventData.ProviderStarted(hostId, refs.ProviderRef(spec), id, refs.ProviderAnnotations(spec)));
        foreach (var (id, old) in before.Providers.Where(p => !after.Providers.ContainsKey(p.Key)))
            events.Add(EventData.ProviderStopped(refs.ProviderAnnotations(old), hostId, id, "stop"));

        return events;
    }

    // The states arrive deserialized, so records holding lists compare by content here, not by reference
    // (the shared-bucket mirror compares links the same way).
    internal static bool Same(LinkDefinition a, LinkDefinition b) =>
        a.SameKey(b) && a.Target == b.Target && a.Interfaces.SequenceEqual(b.Interfaces)
        && a.SourceConfigNames.SequenceEqual(b.SourceConfigNames) && a.TargetConfigNames.SequenceEqual(b.TargetConfigNames);

    private static bool Same(ComponentSpec a, ComponentSpec b) =>
        a.Id == b.Id && a.ArtifactSha256 == b.ArtifactSha256 && a.Instances == b.Instances && a.ConfigNames.SequenceEqual(b.ConfigNames)
        && a.Timeout == b.Timeout && a.PassivateAfter == b.PassivateAfter
        && a.Placement.Count == b.Placement.Count && a.Placement.All(kv => b.Placement.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static bool Same(ProviderSpec a, ProviderSpec b) => a.Id == b.Id && a.Kind == b.Kind && a.ConfigNames.SequenceEqual(b.ConfigNames);

    private static bool SameValues(NamedConfig a, NamedConfig b) =>
        a.Values.Count == b.Values.Count && a.Values.All(kv => b.Values.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
