// The lattice's desired state as plain C#: links, named configs, components and providers.
//
// It is event-sourced: `Decide` checks a command against the current state and returns the events
// that carry it out (or a readable error, and no events); `Apply` folds an event into a new state.
// The actor that owns it (Actors/LatticeStateActor) persists the events before applying them, so a
// change the user was told about survives any host loss and a full restart. Keeping the rules here,
// without Akka, lets them be tested directly.
using System.Collections.Immutable;

namespace Lattice.Model;

public sealed record LatticeState(
    ImmutableList<LinkDefinition> Links,
    ImmutableDictionary<string, NamedConfig> Configs,
    ImmutableDictionary<string, ComponentSpec> Components,
    ImmutableDictionary<string, ProviderSpec> Providers,
    long Version)
{
    public const int MaxInstances = 1000;

    /// <summary>Label changes per host, by cluster address (see <see cref="HostLabelChanges"/>).</summary>
    public ImmutableDictionary<string, HostLabelChanges> HostLabels { get; init; } = ImmutableDictionary<string, HostLabelChanges>.Empty;

    /// <summary>The labels of the host at <paramref name="address"/> whose start-up labels are <paramref name="roles"/>.</summary>
    public IReadOnlyDictionary<string, string> LabelsOf(string address, IEnumerable<string> roles) =>
        HostLabels.GetValueOrDefault(address, HostLabelChanges.None).Apply(roles);

    public static readonly LatticeState Empty = new([], ImmutableDictionary<string, NamedConfig>.Empty,
        ImmutableDictionary<string, ComponentSpec>.Empty, ImmutableDictionary<string, ProviderSpec>.Empty, 0);

    /// <summary>The events that carry out <paramref name="command"/>, or why it cannot be done.</summary>
    public (IReadOnlyList<LatticeEvent> Events, string? Error) Decide(LatticeCommand command)
    {
        switch (command)
        {
            case PutLink { Link: var link }:
                if (Invalid(link) is { } linkError) return ([], linkError);
                return ([new LinkPut(link)], null);
            case DeleteLink d:
                return Links.Any(l => l.Source == d.Source && l.Namespace == d.Namespace && l.Package == d.Package && l.Name == d.Name)
                    ? ([new LinkDeleted(d.Source, d.Namespace, d.Package, d.Name)], null)
                    : ([], $"no link from '{d.Source}' on {d.Namespace}:{d.Package} named '{d.Name}'");
            case PutConfig { Config: var config }:
                if (string.IsNullOrWhiteSpace(config.Name)) return ([], "a config needs a name");
                return ([new ConfigPut(config)], null);
            case DeleteConfig d:
                return Configs.ContainsKey(d.Name) ? ([new ConfigDeleted(d.Name)], null) : ([], $"no config named '{d.Name}'");
            case StartComponent { Spec: var spec }:
                if (string.IsNullOrWhiteSpace(spec.Id) || spec.Id.Contains('/')) return ([], $"'{spec.Id}' is not a valid component id (non-empty, no '/')");
                if (spec.Instances is < 0 or > MaxInstances) return ([], $"instances must be between 0 and {MaxInstances}, got {spec.Instances}");
                if (spec.ArtifactSha256.Length != 64) return ([], "the artifact must be named by its sha256 (64 hex characters)");
                if (MissingConfig(spec.ConfigNames) is { } missing) return ([], missing);
                return ([new ComponentStarted(spec)], null); // same id again: an update (new artifact, scale or config)
            case ScaleComponent s:
                if (!Components.ContainsKey(s.ComponentId)) return ([], $"no component '{s.ComponentId}'");
                if (s.Instances is < 0 or > MaxInstances) return ([], $"instances must be between 0 and {MaxInstances}, got {s.Instances}");
                return ([new ComponentScaled(s.ComponentId, s.Instances)], null);
            case StopComponent s:
                return Components.ContainsKey(s.ComponentId) ? ([new ComponentStopped(s.ComponentId)], null) : ([], $"no component '{s.ComponentId}'");
            case StartProvider { Spec: var p }:
                if (string.IsNullOrWhiteSpace(p.Id) || p.Id.Contains('/')) return ([], $"'{p.Id}' is not a valid provider id");
                if (MissingConfig(p.ConfigNames) is { } pm) return ([], pm);
                return ([new ProviderStarted(p)], null);
            case StopProvider s:
                return Providers.ContainsKey(s.ProviderId) ? ([new ProviderStopped(s.ProviderId)], null) : ([], $"no provider '{s.ProviderId}'");
            case LabelHost l:
                if (string.IsNullOrWhiteSpace(l.Host)) return ([], "a label needs the address of the host it is for");
                if (HostLabelChanges.Invalid(l.Key, l.Value) is { } labelError) return ([], labelError);
                return ([new HostLabeled(l.Host, l.Key, l.Value)], null);
            default:
                return ([], $"unknown command {command.GetType().Name}");
        }
    }

    public LatticeState Apply(LatticeEvent e) => (e switch
    {
        LinkPut { Link: var link } => this with { Links = Links.RemoveAll(l => l.SameKey(link)).Add(link) },
        LinkDeleted d => this with { Links = Links.RemoveAll(l => l.Source == d.Source && l.Namespace == d.Namespace && l.Package == d.Package && l.Name == d.Name) },
        ConfigPut { Config: var c } => this with { Configs = Configs.SetItem(c.Name, c) },
        ConfigDeleted d => this with { Configs = Configs.Remove(d.Name) },
        ComponentStarted { Spec: var s } => this with { Components = Components.SetItem(s.Id, s) },
        ComponentScaled s => this with { Components = Components.SetItem(s.ComponentId, Components[s.ComponentId] with { Instances = s.Instances }) },
        ComponentStopped s => this with { Components = Components.Remove(s.ComponentId) },
        ProviderStarted { Spec: var p } => this with { Providers = Providers.SetItem(p.Id, p) },
        ProviderStopped p => this with { Providers = Providers.Remove(p.ProviderId) },
        HostLabeled l => this with { HostLabels = HostLabels.SetItem(l.Host, HostLabels.GetValueOrDefault(l.Host, HostLabelChanges.None).With(l.Key, l.Value)) },
        _ => throw new ArgumentOutOfRangeException(nameof(e), $"unknown event {e.GetType().Name}"),
    }) with { Version = Version + 1 };

    /// <summary>
    /// Where a call from <paramref name="source"/> to <paramref name="iface"/> goes: the link that covers
    /// it under <paramref name="linkName"/>, or null (the call is denied).
    /// </summary>
    public LinkDefinition? Resolve(string source, WitInterfaceName iface, string linkName = LinkDefinition.DefaultName) =>
        Links.FirstOrDefault(l => l.Source == source && l.Name == linkName && l.Covers(iface));

    /// <summary>The merged values of the named configs, later names winning (wasmCloud's order).</summary>
    public IReadOnlyDictionary<string, string> MergedConfig(IEnumerable<string> names)
    {
        var merged = new Dictionary<string, string>();
        foreach (var n in names)
            if (Configs.TryGetValue(n, out var c))
                foreach (var (k, v) in c.Values) merged[k] = v;
        return merged;
    }

    private static string? Invalid(LinkDefinition link)
    {
        if (string.IsNullOrWhiteSpace(link.Source) || string.IsNullOrWhiteSpace(link.Target)) return "a link needs a source and a target";
        if (link.Source == link.Target) return $"'{link.Source}' cannot link to itself";
        if (string.IsNullOrWhiteSpace(link.Namespace) || string.IsNullOrWhiteSpace(link.Package)) return "a link needs namespace:package";
        if (link.Interfaces.Count == 0) return $"a link on {link.WitPackage} needs at least one interface";
        return null;
    }

    private string? MissingConfig(IEnumerable<string> names)
    {
        var missing = names.Where(n => !Configs.ContainsKey(n)).ToList();
        return missing.Count == 0 ? null : $"no config named {string.Join(", ", missing.Select(m => $"'{m}'"))} (put it first with `lattice config put`)";
    }
}
