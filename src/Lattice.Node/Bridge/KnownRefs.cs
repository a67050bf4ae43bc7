// The wasmCloud image references and annotations components and providers were started with. The
// runtime keeps only what it needs to run them (an artifact's sha256, a provider kind), but wash
// matches events and inventories by the reference it sent, and wadm reads annotations back. The
// bridge that handles a request records them; the others learn them from the component_scaled and
// provider_started events it publishes. The bridge also persists them in the spec's annotations
// (BridgeNotes), which every host reads first; this memory covers what the spec cannot hold (the old
// reference of instances still running an artifact being updated away from) and specs written before
// annotations existed. For anything started another way the inventory shows sha256:<hex> or
// wasmcloud+builtin://KIND.
using System.Collections.Concurrent;
using Lattice.Model;

namespace Lattice.Node.Bridge;

internal sealed class KnownRefs
{
    /// <summary>A reference, its annotations, and what it resolved to (sha256 or kind): a reference is shown only for what it names.</summary>
    public sealed record Entry(string ImageRef, IReadOnlyDictionary<string, string> Annotations, string Resolved);

    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();
    private readonly Kind _components = new();
    private readonly Kind _providers = new();

    public void Component(string id, Entry entry) => _components.Set(id, entry);

    public void Provider(string id, Entry entry) => _providers.Set(id, entry);

    public string ComponentRef(ComponentSpec spec) =>
        BridgeNotes.Ref(spec.Notes) ?? _components.Ref(spec.Id, spec.ArtifactSha256) ?? ArtifactRefs.ForSha(spec.ArtifactSha256);

    public IReadOnlyDictionary<string, string> ComponentAnnotations(string id) => _components.Annotations(id);

    /// <summary>The wasmCloud annotations of the spec when the bridge wrote them there, else those it heard of.</summary>
    public IReadOnlyDictionary<string, string> ComponentAnnotations(ComponentSpec spec) =>
        BridgeNotes.Ref(spec.Notes) is null ? _components.Annotations(spec.Id) : BridgeNotes.Annotations(spec.Notes);

    public string ProviderRef(ProviderSpec spec) => BridgeNotes.Ref(spec.Notes) ?? _providers.Ref(spec.Id, spec.Kind) ?? ArtifactRefs.ForKind(spec.Kind);

    public IReadOnlyDictionary<string, string> ProviderAnnotations(string id) => _providers.Annotations(id);

    public IReadOnlyDictionary<string, string> ProviderAnnotations(ProviderSpec spec) =>
        BridgeNotes.Ref(spec.Notes) is null ? _providers.Annotations(spec.Id) : BridgeNotes.Annotations(spec.Notes);

    /// <summary>
    /// References by (id, what they resolved to), so that while an update rolls out, the instances
    /// of the old artifact still show the old reference; annotations by id (the latest given).
    /// </summary>
    private sealed class Kind
    {
        private readonly ConcurrentDictionary<(string Id, string Resolved), string> _refs = new();
        private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> _annotations = new();

        public void Set(string id, Entry entry)
        {
            _refs[(id, entry.Resolved)] = entry.ImageRef;
            _annotations[id] = entry.Annotations;
        }

        public string? Ref(string id, string resolved) => _refs.TryGetValue((id, resolved), out var r) ? r : null;

        public IReadOnlyDictionary<string, string> Annotations(string id) => _annotations.TryGetValue(id, out var a) ? a : None;
    }
}
