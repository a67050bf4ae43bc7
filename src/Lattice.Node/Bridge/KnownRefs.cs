// The wasmCloud image references and annotations components and providers were started with. The
// runtime keeps only what it needs to run them (an artifact's sha256, a provider kind), but wash
// matches events and inventories by the reference it sent, and wadm reads annotations back. Every
// bridge learns them from the ctl requests any bridge handled (BridgeNote over the cluster); for
// anything started another way the inventory shows sha256:<hex> or wasmcloud+builtin://KIND.
// Kept in memory: a bridge that starts later shows those forms until the component is scaled again.
using System.Collections.Concurrent;
using Lattice.Model;

namespace Lattice.Node.Bridge;

internal sealed class KnownRefs
{
    /// <summary>A reference, its annotations, and what it resolved to (sha256 or kind), so a stale entry is not shown.</summary>
    public sealed record Entry(string ImageRef, IReadOnlyDictionary<string, string> Annotations, string Resolved);

    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();
    private readonly ConcurrentDictionary<string, Entry> _components = new();
    private readonly ConcurrentDictionary<string, Entry> _providers = new();

    public void Component(string id, Entry entry) => _components[id] = entry;

    public void Provider(string id, Entry entry) => _providers[id] = entry;

    public string ComponentRef(ComponentSpec spec) =>
        _components.TryGetValue(spec.Id, out var e) && e.Resolved == spec.ArtifactSha256 ? e.ImageRef : ArtifactRefs.ForSha(spec.ArtifactSha256);

    public IReadOnlyDictionary<string, string> ComponentAnnotations(string id) => _components.TryGetValue(id, out var e) ? e.Annotations : None;

    public string ProviderRef(ProviderSpec spec) =>
        _providers.TryGetValue(spec.Id, out var e) && e.Resolved == spec.Kind ? e.ImageRef : ArtifactRefs.ForKind(spec.Kind);

    public IReadOnlyDictionary<string, string> ProviderAnnotations(string id) => _providers.TryGetValue(id, out var e) ? e.Annotations : None;
}
