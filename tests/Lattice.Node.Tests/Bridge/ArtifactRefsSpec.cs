using Lattice.Actors;
using Lattice.Node.Bridge;
using Lattice.Providers;

namespace Lattice.Node.Tests.Bridge;

/// <summary>What a wasmCloud image reference means on this host: file:// and sha256: components, built-in providers, OCI refused.</summary>
public sealed class ArtifactRefsSpec : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lattice-refs-").FullName;

    private ArtifactStore Store() => new(new LatticeHostOptions { DataDirectory = _dir });

    [Theory]
    [InlineData("wasmcloud+builtin://http-server", "http-server")]
    [InlineData("wasmcloud+builtin://keyvalue", "keyvalue")]
    [InlineData("ghcr.io/wasmcloud/http-server:0.27.0", "http-server")]
    [InlineData("ghcr.io/wasmcloud/keyvalue-redis:0.28.1", "keyvalue-redis")]
    [InlineData("oci://ghcr.io/wasmcloud/messaging-nats@sha256:0123", "messaging-nats")]
    [InlineData("wasmcloud.azurecr.io/blobstore-fs:0.10.0", "blobstore-fs")]
    public void Builtin_and_first_party_provider_refs_name_a_builtin_kind(string reference, string kind) =>
        Assert.Equal(kind, ArtifactRefs.ProviderKind(reference, BuiltInProviders.Catalog));

    [Theory]
    [InlineData("ghcr.io/acme/http-server:1.0", "cannot fetch OCI reference")]
    [InlineData("ghcr.io/wasmcloud/keyvalue-vault:0.1.0", "cannot fetch OCI reference")]
    [InlineData("file:///opt/providers/custom.par.gz", "not provider archives")]
    [InlineData("wasmcloud+builtin://nope", "no built-in provider 'nope'")]
    [InlineData("", "a provider reference is required")]
    public void Other_provider_refs_are_refused_with_the_kinds_there_are(string reference, string reason)
    {
        var e = Assert.Throws<CtlRequestException>(() => ArtifactRefs.ProviderKind(reference, BuiltInProviders.Catalog));
        Assert.Contains(reason, e.Message);
        Assert.Contains("http-server", e.Message);
    }

    [Fact]
    public async Task A_file_reference_is_stored_and_named_by_its_sha256()
    {
        var path = TestPaths.Fixture("wat/bench.wasm");
        var store = Store();
        var sha = await ArtifactRefs.ResolveComponentAsync(new Uri(path).AbsoluteUri, store, CancellationToken.None);
        Assert.Equal(await File.ReadAllBytesAsync(path), await store.GetAsync(sha));
        Assert.Equal(sha, await ArtifactRefs.ResolveComponentAsync("sha256:" + sha.ToUpperInvariant(), store, CancellationToken.None));
    }

    [Theory]
    [InlineData("ghcr.io/wasmcloud/components/http-hello-world-rust:0.1.0", "cannot fetch OCI reference 'ghcr.io/wasmcloud/components/http-hello-world-rust:0.1.0'")]
    [InlineData("https://example.com/c.wasm", "cannot fetch OCI reference")]
    [InlineData("file:///no/such/component.wasm", "no such file on host")]
    [InlineData("sha256:abc", "is not sha256: followed by 64 hex characters")]
    [InlineData("", "a component reference is required")]
    public async Task Unusable_component_refs_are_refused_before_and_when_resolving(string reference, string reason)
    {
        Assert.Contains(reason, Assert.Throws<CtlRequestException>(() => ArtifactRefs.CheckComponent(reference)).Message);
        Assert.Contains(reason, (await Assert.ThrowsAsync<CtlRequestException>(() => ArtifactRefs.ResolveComponentAsync(reference, Store(), CancellationToken.None))).Message);
    }

    [Fact]
    public async Task A_file_that_is_not_a_component_is_refused()
    {
        var core = Path.Combine(_dir, "core.wasm");
        await File.WriteAllBytesAsync(core, [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
        var e = await Assert.ThrowsAsync<CtlRequestException>(() => ArtifactRefs.ResolveComponentAsync(new Uri(core).AbsoluteUri, Store(), CancellationToken.None));
        Assert.Contains("is not a WebAssembly component", e.Message);
    }

    [Fact]
    public async Task An_artifact_missing_from_the_store_is_refused()
    {
        var e = await Assert.ThrowsAsync<CtlRequestException>(() => ArtifactRefs.ResolveComponentAsync("sha256:" + new string('0', 64), Store(), CancellationToken.None));
        Assert.Contains("no artifact", e.Message);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
