using Lattice.Actors;
using Lattice.Model;
using Lattice.Tests.Actors;

namespace Lattice.Tests.Providers.Blobstore;

/// <summary>A real component (blobstore.wasm) on a real host, storing objects through its link to a blobstore-fs provider.</summary>
[Collection("lattice hosts")]
public sealed class BlobstoreProviderSpec
{
    private static byte Pattern(long k, uint seed) => (byte)((k + seed) % 251);

    [Fact]
    public async Task A_component_stores_a_multi_MiB_object_through_a_linked_blobstore_fs_provider()
    {
        var options = SingleHost.NewOptions();
        await using var host = await SingleHost.StartAsync(options, Lattice.Providers.BuiltInProviders.Catalog);
        var sha = await host.Client.Artifacts.PutAsync(File.ReadAllBytes(TestPaths.Fixture("wat/blobstore.wasm")));
        await host.Client.SendAsync(new StartProvider(new ProviderSpec("blobs", "blobstore-fs")));
        await host.Client.SendAsync(new StartComponent(new ComponentSpec("app", sha, 1)));

        var denied = await EventualCalls.Eventually(() => host.Client.CallJsonAsync("app", "create", ["\"photos\""]), r => r.StartsWith("{\"err\""));
        Assert.Contains("no link for wasi:blobstore/blobstore", denied);

        // One link naming `blobstore` carries the container and types calls too, as in wasmCloud.
        await host.Client.SendAsync(new PutLink(new LinkDefinition("app", "blobs", "wasi", "blobstore", ["blobstore"])));
        Assert.Equal("{\"ok\":null}", await EventualCalls.Eventually(() => host.Client.CallJsonAsync("app", "create", ["\"photos\""]), r => r.StartsWith("{\"ok\"")));

        const int size = 4 * 1024 * 1024 + 17;
        Assert.Equal("{\"ok\":null}", await host.Client.CallJsonAsync("app", "write", ["\"photos\"", "\"big\"", $"{size}", "3"]));
        Assert.Equal($"{{\"ok\":{size}}}", await host.Client.CallJsonAsync("app", "verify", ["\"photos\"", "\"big\"", "3"]));
        Assert.Equal($"{{\"ok\":{size}}}", await host.Client.CallJsonAsync("app", "info", ["\"photos\"", "\"big\""]));
        var range = Enumerable.Range(1_000_000, 4).Select(k => Pattern(k, 3).ToString());
        Assert.Equal($"{{\"ok\":[{string.Join(",", range)}]}}", await host.Client.CallJsonAsync("app", "read", ["\"photos\"", "\"big\"", "1000000", "1000003"]));
        Assert.Equal("{\"ok\":[\"big\"]}", await host.Client.CallJsonAsync("app", "list", ["\"photos\""]));

        var file = Path.Combine(options.DataDirectory, "blobstore", "blobs", "photos", "big");
        Assert.Equal(size, new FileInfo(file).Length);

        Assert.Equal("{\"err\":\"container name '../escape' contains a path separator\"}", await host.Client.CallJsonAsync("app", "create", ["\"../escape\""]));
        Assert.Equal("{\"err\":\"object name '../../../../etc/passwd' contains a path separator\"}",
            await host.Client.CallJsonAsync("app", "write", ["\"photos\"", "\"../../../../etc/passwd\"", "10", "1"]));
        Assert.False(Directory.Exists(Path.Combine(options.DataDirectory, "blobstore", "escape")));

        Assert.Equal("{\"ok\":null}", await host.Client.CallJsonAsync("app", "delete", ["\"photos\"", "\"big\""]));
        Assert.Equal("{\"ok\":false}", await host.Client.CallJsonAsync("app", "exists", ["\"photos\"", "\"big\""]));
        Assert.False(File.Exists(file));
    }
}
