using Lattice.Actors.Providers;
using Lattice.Providers.Blobstore;
using Lattice.Providers.Http;
using Lattice.Providers.KeyValue;
using Lattice.Providers.Messaging;

namespace Lattice.Providers;

/// <summary>Every provider kind that ships with LatticeActors.</summary>
public static class BuiltInProviders
{
    // The three key-value kinds share one binding of wasi:keyvalue; which backend answers is decided
    // per call by the provider the component's link names.
    public static ProviderCatalog Catalog { get; } = new([KeyValueProvider.Sql, KeyValueProvider.Redis, KeyValueProvider.Nats, new MessagingProvider(), new BlobstoreProvider(),
        new HttpServerProvider(), new HttpClientProvider()]);
}
