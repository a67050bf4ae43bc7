// What the bridge keeps in a component's or provider's annotations (ComponentSpec.Annotations,
// persisted with the desired state, so every host and every later bridge sees it):
//  - the wasmCloud image reference it was started with (`lattice.dev/image-ref`), since the runtime
//    itself keeps only the artifact's sha256 or the provider kind;
//  - wasmCloud's own annotations (wadm's `wasmcloud.dev/*`), as given, shown back in events and
//    inventories;
//  - each host's share of the instances (`lattice.dev/host-instances`, JSON host id -> count).
//
// Why shares: a wasmCloud host's scale request sets the count *on that host*, and wadm's scalers
// reason per host (three here, two there). The lattice instead runs one count and places the
// instances itself (labels, failover). The bridge reconciles the two views: the lattice-wide count is
// the sum of the hosts' shares, and each host's inventory shows its share, so wadm sees exactly what
// it asked each host for and settles, while the lattice keeps placing and failing over the sum.
// Keys under `lattice.dev/` are ours and never shown as wasmCloud annotations.
using System.Collections.Immutable;
using System.Text.Json;

namespace Lattice.Node.Bridge;

internal static class BridgeNotes
{
    public const string Prefix = "lattice.dev/";
    public const string ImageRef = Prefix + "image-ref";
    public const string HostInstances = Prefix + "host-instances";

    /// <summary>The wasmCloud annotations among <paramref name="notes"/> (ours left out).</summary>
    public static IReadOnlyDictionary<string, string> Annotations(IReadOnlyDictionary<string, string> notes) =>
        notes.Where(n => !n.Key.StartsWith(Prefix, StringComparison.Ordinal)).ToDictionary(n => n.Key, n => n.Value, StringComparer.Ordinal);

    /// <summary>The image reference the bridge recorded, or null for something started another way.</summary>
    public static string? Ref(IReadOnlyDictionary<string, string> notes) => notes.TryGetValue(ImageRef, out var r) && r.Length > 0 ? r : null;

    /// <summary>
    /// Each host's share of the instances; empty for a component whose count was never set through
    /// the bridge. A value that does not parse counts as no shares (the lattice-wide count still holds).
    /// </summary>
    public static ImmutableSortedDictionary<string, int> Shares(IReadOnlyDictionary<string, string> notes)
    {
        if (!notes.TryGetValue(HostInstances, out var json)) return ImmutableSortedDictionary<string, int>.Empty;
        try
        {
            var shares = JsonSerializer.Deserialize<Dictionary<string, int>>(json) ?? [];
            return shares.Where(s => s.Value > 0).ToImmutableSortedDictionary(StringComparer.Ordinal);
        }
        catch (JsonException) { return ImmutableSortedDictionary<string, int>.Empty; }
    }

    /// <summary>The notes for a spec: wasmCloud's annotations, the reference, and the shares (left out when empty).</summary>
    public static IReadOnlyDictionary<string, string> Compose(IReadOnlyDictionary<string, string> annotations, string imageRef,
        IReadOnlyDictionary<string, int>? shares = null)
    {
        var notes = new Dictionary<string, string>(Annotations(annotations), StringComparer.Ordinal) { [ImageRef] = imageRef };
        if (shares is { Count: > 0 }) notes[HostInstances] = JsonSerializer.Serialize(shares.OrderBy(s => s.Key, StringComparer.Ordinal).ToDictionary());
        return notes;
    }
}
