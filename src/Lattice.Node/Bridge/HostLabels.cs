// The labels this host shows over NATS: hostcore.* (fixed, as on a wasmCloud host) and its labels
// in the lattice: the `--label` labels it started with (Akka cluster roles) with the changes kept in
// the lattice state (LatticeState.HostLabels). `label.put` / `label.del` change that state, exactly
// as `lattice label` does, so placement follows them on every host and they survive restarts.
// A change made another way (`lattice label`) is noticed in the state feed (Noticed) so that
// labels_changed goes out for it too, once.
using Akka.Cluster;
using Lattice.Actors;
using Lattice.Model;

namespace Lattice.Node.Bridge;

internal sealed class HostLabels(IReadOnlyDictionary<string, string> startup, Func<LatticeRuntime?> runtime)
{
    private readonly object _gate = new();
    private IReadOnlyDictionary<string, string>? _announced;

    /// <summary>This host's labels as of the last state change it heard of.</summary>
    public IReadOnlyDictionary<string, string> Current => WithCore(runtime() is { } r ? Of(r, r.CurrentState) : startup);

    /// <summary>Sets a label in the lattice; hostcore.* cannot be changed, as on a wasmCloud host. Returns the labels after it.</summary>
    public async Task<IReadOnlyDictionary<string, string>> PutAsync(string key, string value, CancellationToken cancellationToken)
    {
        if (key.StartsWith("hostcore.", StringComparison.OrdinalIgnoreCase)) throw new CtlRequestException("hostcore.* labels cannot be set dynamically");
        if (HostLabelChanges.Invalid(key, value) is { } error) throw new CtlRequestException(error);
        return await ChangeAsync(key, value, cancellationToken);
    }

    /// <summary>Removes a label in the lattice; null when this host had no such label.</summary>
    public async Task<IReadOnlyDictionary<string, string>?> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        if (key.StartsWith("hostcore.", StringComparison.OrdinalIgnoreCase)) throw new CtlRequestException("hostcore.* labels cannot be removed");
        if (!Current.ContainsKey(key)) return null;
        return await ChangeAsync(key, null, cancellationToken);
    }

    /// <summary>
    /// The labels as of <paramref name="state"/> when they differ from the last ones announced (then
    /// they count as announced), else null. The first call only records them.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Noticed(LatticeState state)
    {
        if (runtime() is not { } r) return null;
        var labels = WithCore(Of(r, state));
        lock (_gate)
        {
            var first = _announced is null;
            if (!first && Same(_announced!, labels)) return null;
            _announced = labels;
            return first ? null : labels;
        }
    }

    /// <summary>True when every constraint equals one of this host's labels (auctions).</summary>
    public bool Satisfies(IReadOnlyDictionary<string, string> constraints)
    {
        var labels = Current;
        return constraints.All(c => labels.TryGetValue(c.Key, out var v) && v == c.Value);
    }

    private async Task<IReadOnlyDictionary<string, string>> ChangeAsync(string key, string? value, CancellationToken cancellationToken)
    {
        var r = runtime() ?? throw new CtlRequestException("this host's lattice runtime is still starting");
        var self = Cluster.Get(r.System).SelfAddress.ToString();
        // The state the command produced: this host's view may not have heard of it yet.
        // The caller announces the change; recorded first, so the state feed, which may hear of it before
        // the command's reply, does not announce it a second time.
        var expected = new SortedDictionary<string, string>(Current.ToDictionary(), StringComparer.Ordinal);
        if (value is null) expected.Remove(key);
        else expected[key] = value;
        lock (_gate) _announced = expected;
        var after = await r.Client.SendAsync(new LabelHost(self, key, value), cancellationToken);
        var labels = WithCore(Of(r, after));
        lock (_gate) _announced = labels;
        return labels;
    }

    private static bool Same(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static IReadOnlyDictionary<string, string> Of(LatticeRuntime r, LatticeState state)
    {
        var member = Cluster.Get(r.System).SelfMember;
        return state.LabelsOf(member.Address.ToString(), member.Roles);
    }

    private static SortedDictionary<string, string> WithCore(IReadOnlyDictionary<string, string> labels)
    {
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in labels) all[k] = v;
        foreach (var (k, v) in HostFacts.CoreLabels) all[k] = v;
        return all;
    }
}
