using Lattice.Actors;
using Lattice.Actors.Providers;
using Lattice.Providers.Blobstore;

namespace Lattice.Tests.Providers.Blobstore;

/// <summary>A real blobstore-fs backend in a temporary data directory, opened as the provider actor opens it.</summary>
internal sealed class BlobstoreBackend : IDisposable
{
    public BlobstoreBackend(string providerId = "blobs")
    {
        DataDirectory = Directory.CreateTempSubdirectory("lattice-blobs-").FullName;
        Backend = Open(providerId);
        Root = Path.Combine(DataDirectory, "blobstore", providerId);
    }

    public string DataDirectory { get; }

    public string Root { get; }

    public IProviderBackend Backend { get; }

    public IProviderBackend Open(string providerId) =>
        new BlobstoreProvider().Open(new ProviderContext(providerId, new Dictionary<string, string>(), new LatticeHostOptions { DataDirectory = DataDirectory }));

    public ProviderResult Send(string operation, string[] args, byte[]? payload = null, ulong number = 0) =>
        Backend.Handle(new ProviderRequest(operation, args, payload, number), new ProviderLink("app", "default", ["blobstore"], new Dictionary<string, string>()));

    /// <summary>Every file and directory under the data directory, relative to it.</summary>
    public IReadOnlyList<string> Tree() =>
        Directory.EnumerateFileSystemEntries(DataDirectory, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(DataDirectory, p)).Order(StringComparer.Ordinal).ToList();

    public void Dispose()
    {
        Backend.Dispose();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { /* best effort */ }
    }
}
