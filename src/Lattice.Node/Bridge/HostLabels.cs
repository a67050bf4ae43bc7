// The labels this host shows over NATS: hostcore.* (fixed), the `--label` labels it started with,
// and whatever `label.put` / `label.del` changed since. The runtime's labels are Akka cluster roles,
// fixed for the life of the process, so a label changed here is seen by wash, wadm and auctions
// but does not move instances: placement keeps using the start-up labels.
namespace Lattice.Node.Bridge;

internal sealed class HostLabels
{
    private readonly object _gate = new();
    private readonly SortedDictionary<string, string> _labels = new(StringComparer.Ordinal);

    public HostLabels(IReadOnlyDictionary<string, string> startup)
    {
        foreach (var (k, v) in HostFacts.CoreLabels) _labels[k] = v;
        foreach (var (k, v) in startup) _labels[k] = v;
    }

    public IReadOnlyDictionary<string, string> Current
    {
        get { lock (_gate) return new SortedDictionary<string, string>(_labels, StringComparer.Ordinal); }
    }

    /// <summary>Sets a label; hostcore.* cannot be changed, as on a wasmCloud host.</summary>
    public void Put(string key, string value)
    {
        if (key.StartsWith("hostcore.", StringComparison.OrdinalIgnoreCase)) throw new CtlRequestException("hostcore.* labels cannot be set dynamically");
        lock (_gate) _labels[key] = value;
    }

    /// <summary>Removes a label; false when there was none.</summary>
    public bool Delete(string key)
    {
        lock (_gate) return _labels.Remove(key);
    }

    /// <summary>True when every constraint equals one of this host's labels (auctions).</summary>
    public bool Satisfies(IReadOnlyDictionary<string, string> constraints)
    {
        lock (_gate) return constraints.All(c => _labels.TryGetValue(c.Key, out var v) && v == c.Value);
    }
}
