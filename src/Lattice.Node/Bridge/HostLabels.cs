// The labels this host shows over NATS: hostcore.* (fixed, as on a wasmCloud host) and its labels
// in the lattice: the `--label` labels it started with (Akka cluster roles) with the changes kept in
// the lattice state (LatticeState.HostLabels). `label.put` / `label.del` change that state, exactly
// as `lattice label` does, so placement follows them on every host and they survive restarts.
using Akka.Cluster;
using Lattice.Actors;
using Lattice.Model;

namespace Lattice.Node.Bridge;

internal sealed class HostLabels(IReadOnlyDictionary<string, string> startup, Func<LatticeRuntime?> runtime)
{
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
        var after = await r.Client.SendAsync(new LabelHost(self, key, value), cancellationToken);
        return WithCore(Of(r, after));
    }

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
