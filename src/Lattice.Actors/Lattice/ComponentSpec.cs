using ComponentId = string;

namespace Lattice.Model;

/// <summary>
/// What the lattice should run for one component: its artifact (by sha256), how many instances, the
/// named configs it gets, where it may be placed, its per-call limits, and annotations: free-form
/// metadata kept with the spec and never read by the runtime (as on a Kubernetes object). Tools
/// keep what they need to show the component their way there; the NATS bridge keeps wasmCloud's
/// image reference and annotations under keys starting <c>lattice.dev/</c>.
/// </summary>
public sealed record ComponentSpec(
    ComponentId Id,
    string ArtifactSha256,
    int Instances,
    IReadOnlyList<string>? Config = null,
    IReadOnlyDictionary<string, string>? PlacementLabels = null,
    TimeSpan? Timeout = null,
    TimeSpan? PassivateAfter = null,
    IReadOnlyDictionary<string, string>? Annotations = null)
{
    public IReadOnlyList<string> ConfigNames => Config ?? [];
    public IReadOnlyDictionary<string, string> Placement => PlacementLabels ?? new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> Notes => Annotations ?? new Dictionary<string, string>();

    /// <summary>The sharded entity id of instance <paramref name="index"/>.</summary>
    public string EntityId(int index) => InstanceId.Of(Id, index);
}

/// <summary>Instance entity ids: <c>{componentId}/{index}</c>.</summary>
public static class InstanceId
{
    public static string Of(string componentId, int index) => $"{componentId}/{index}";

    public static (string ComponentId, int Index) Parse(string entityId)
    {
        var slash = entityId.LastIndexOf('/');
        if (slash <= 0 || !int.TryParse(entityId.AsSpan(slash + 1), out var index))
            throw new FormatException($"'{entityId}' is not an instance id of the form component/index");
        return (entityId[..slash], index);
    }
}

/// <summary>A built-in provider the lattice should run: its kind (e.g. <c>keyvalue</c>), configs and annotations (see <see cref="ComponentSpec"/>).</summary>
public sealed record ProviderSpec(string Id, string Kind, IReadOnlyList<string>? Config = null, IReadOnlyDictionary<string, string>? Annotations = null)
{
    public IReadOnlyList<string> ConfigNames => Config ?? [];
    public IReadOnlyDictionary<string, string> Notes => Annotations ?? new Dictionary<string, string>();
}
