namespace Lattice.Actors.Providers;

/// <summary>
/// The provider kinds this host can run and bind, by kind and by interface. Several kinds may
/// implement one interface (keyvalue, keyvalue-redis, keyvalue-nats): a component's imports are
/// bound when its instance is built, before any call says which provider its link names, so such
/// kinds must bind the interface identically (the key-value kinds share one binding) and the first
/// registered kind binds it.
/// </summary>
public sealed class ProviderCatalog(IEnumerable<ICapabilityProvider> providers)
{
    private readonly IReadOnlyList<ICapabilityProvider> _all = providers.ToList();

    public static readonly ProviderCatalog Empty = new([]);

    public IReadOnlyList<ICapabilityProvider> All => _all;

    public ICapabilityProvider? ByKind(string kind) => _all.FirstOrDefault(p => p.Kind == kind);

    /// <summary>The (first registered) provider implementing <c>ns:pkg/iface</c> (version ignored), if any.</summary>
    public ICapabilityProvider? ForInterface(string unversioned) => _all.FirstOrDefault(p => p.Interfaces.Contains(unversioned));
}
