using Lattice.Model;

namespace Lattice.Capabilities;

/// <summary>
/// The config a component sees: the merged values of the named configs its spec lists, then those of
/// its links (its side of each: source config of the links it imports through, target config of the
/// links that call it), later names winning (wasmCloud's order), as the lattice state currently says.
/// Recomputed only when the state object changes, so <see cref="Current"/> is cheap enough to call on
/// every <c>get</c>.
/// </summary>
public sealed class ComponentConfig(string componentId, Func<LatticeState> state)
{
    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    private sealed record Cache(LatticeState State, IReadOnlyDictionary<string, string> Values);

    private Cache? _cache;

    public IReadOnlyDictionary<string, string> Current()
    {
        var now = state();
        if (_cache is { } cache && ReferenceEquals(cache.State, now)) return cache.Values;
        var values = now.Components.TryGetValue(componentId, out var spec)
            ? now.MergedConfig(spec.ConfigNames
                .Concat(now.Links.Where(l => l.Source == componentId).SelectMany(l => l.SourceConfigNames))
                .Concat(now.Links.Where(l => l.Target == componentId).SelectMany(l => l.TargetConfigNames)))
            : None;
        _cache = new Cache(now, values);
        return values;
    }
}
