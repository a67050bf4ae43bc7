// The link arithmetic of the mirror, plain C# so it is tested on its own. A link's key is (source,
// namespace, package, name): one target per key, in our lattice as in wasmCloud's handle_link_put.
//  - Changes: what one change of our desired state did to the links of one source.
//  - Merge: a change applied to the links a COMPONENT_ key holds (replace by key, append, remove by
//    key), as a wasmCloud host applies a link.put or link.del to it: links other writers put there
//    and we never saw are kept.
//  - Reconcile: the puts and deletes that make our links of a source equal to a key's.
using Lattice.Model;

namespace Lattice.Node.Bridge.SharedState;

internal static class LinkSets
{
    public sealed record Delta(IReadOnlyList<LinkDefinition> Puts, IReadOnlyList<LinkDefinition> Removed)
    {
        public bool IsEmpty => Puts.Count == 0 && Removed.Count == 0;
    }

    public static IEnumerable<string> Sources(IEnumerable<LinkDefinition> links) => links.Select(l => l.Source).Distinct();

    public static IReadOnlyList<LinkDefinition> Of(LatticeState state, string source) => [.. state.Links.Where(l => l.Source == source)];

    /// <summary>Links of <paramref name="source"/> put or changed, and those gone, from <paramref name="before"/> to <paramref name="after"/>.</summary>
    public static Delta Changes(LatticeState before, LatticeState after, string source)
    {
        var old = Of(before, source);
        var now = Of(after, source);
        return new([.. now.Where(l => !old.Any(o => StateDiff.Same(o, l)))], [.. old.Where(o => !now.Any(l => l.SameKey(o)))]);
    }

    public static IReadOnlyList<LinkDefinition> Merge(IReadOnlyList<LinkDefinition> stored, Delta delta)
    {
        var merged = stored.Where(s => !delta.Removed.Any(r => r.SameKey(s))).ToList();
        foreach (var put in delta.Puts)
        {
            var at = merged.FindIndex(m => m.SameKey(put));
            if (at >= 0) merged[at] = put;
            else merged.Add(put);
        }
        return merged;
    }

    /// <summary>The same links, in any order.</summary>
    public static bool Same(IReadOnlyList<LinkDefinition> a, IReadOnlyList<LinkDefinition> b) =>
        a.Count == b.Count && a.All(x => b.Any(y => StateDiff.Same(x, y)));

    /// <summary>What makes <paramref name="ours"/> equal to <paramref name="theirs"/> (the last of several links with one key wins).</summary>
    public static Delta Reconcile(IReadOnlyList<LinkDefinition> ours, IReadOnlyList<LinkDefinition> theirs)
    {
        var wanted = theirs.Where((l, i) => !theirs.Skip(i + 1).Any(later => later.SameKey(l))).ToList();
        return new([.. wanted.Where(w => !ours.Any(o => StateDiff.Same(o, w)))], [.. ours.Where(o => !wanted.Any(w => w.SameKey(o)))]);
    }
}
