using Lattice.Actors.Providers;
using Lattice.Providers.Blobstore;
using Lattice.Providers.KeyValue;
using Lattice.Providers.Messaging;

namespace Lattice.Providers;

/// <summary>Every provider kind that ships with LatticeActors.</summary>
public static class BuiltInProviders
{
    public static ProviderCatalog Catalog { get; } = new([new KeyValueProvider(), new MessagingProvider(), new BlobstoreProvider()]);
}
