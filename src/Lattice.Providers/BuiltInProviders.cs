using Lattice.Actors.Providers;
using Lattice.Providers.KeyValue;

namespace Lattice.Providers;

/// <summary>Every provider kind that ships with LatticeActors.</summary>
public static class BuiltInProviders
{
    public static ProviderCatalog Catalog { get; } = new([new KeyValueProvider(), new Blobstore.BlobstoreProvider()]);
}
