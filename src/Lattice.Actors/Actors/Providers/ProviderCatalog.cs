namespace Lattice.Actors.Providers;

/// <summary>The provider kinds this host can run and bind, by kind and by interface.</summary>
public sealed class ProviderCatalog(IEnumerable<ICapabilityProvider> providers)
{
    private readonly IReadOnlyList<ICapabilityProvider> _all = providers.ToList();

    public static readonly ProviderCatalog Empty = new([]);

    public IReadOnlyList<ICapabilityProvider> All => _all;

    public ICapabilityProvider? ByKind(string kind) => _all.FirstOrDefault(p => p.Kind == kind);

    /// <summary>The provider implementing <c>ns:pkg/iface</c> (version ignored), if any.</summary>
    public ICapabilityProvider? ForInterface(string unversioned) => _all.FirstOrDefault(p => p.Interfaces.Contains(unversioned));
}
