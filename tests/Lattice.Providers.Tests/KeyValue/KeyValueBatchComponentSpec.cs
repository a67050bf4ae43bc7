using System.Text.Json;
using Lattice.Actors;
using Lattice.Model;
using Lattice.Providers;
using Lattice.Tests.Actors;

namespace Lattice.Tests.Providers.KeyValue;

/// <summary>
/// The store methods kvcounter does not use (exists, delete, list-keys) and wasi:keyvalue/batch,
/// through a real component (kvbatch.wasm, built from kvbatch.wat beside this file) and the lattice.
/// </summary>
public sealed class KeyValueBatchComponentSpec
{
    private static readonly string Wasm = Path.Combine(TestPaths.RepoRoot, "tests", "Lattice.Providers.Tests", "KeyValue", "kvbatch.wasm");

    private static async Task<SingleHost> Deploy(string kind, Dictionary<string, string>? providerConfig = null)
    {
        var host = await SingleHost.StartAsync(providers: BuiltInProviders.Catalog);
        var sha = await host.Client.Artifacts.PutAsync(File.ReadAllBytes(Wasm));
        if (providerConfig is not null) await host.Client.SendAsync(new PutConfig(new NamedConfig("kv-provider", providerConfig)));
        await host.Client.SendAsync(new StartProvider(new ProviderSpec("kv", kind, providerConfig is null ? null : ["kv-provider"])));
        await host.Client.SendAsync(new StartComponent(new ComponentSpec("batch", sha, 1)));
        await host.Client.SendAsync(new PutLink(new LinkDefinition("batch", "kv", "wasi", "keyvalue", ["store", "batch"])));
        return host;
    }

    /// <summary>The first answer once the component, provider and link have reached this host (bounded).</summary>
    private static async Task<string> First(SingleHost host, string function, params string[] args)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var result = await host.Client.CallJsonAsync("batch", function, args);
                if (!result.Contains("no link", StringComparison.Ordinal) && !result.Contains("not a provider", StringComparison.Ordinal) || attempt >= 50) return result;
            }
            catch (LatticeCallException) when (attempt < 50) { }
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Batch_and_the_remaining_store_methods_work_through_a_component()
    {
        await using var host = await Deploy("keyvalue");
        Task<string> Call(string f, params string[] a) => host.Client.CallJsonAsync("batch", f, a);

        Assert.Equal("{\"ok\":null}", await First(host, "set-many", "\"b\"", "[[\"a\",[1,2]],[\"z\",[]],[\"héllo\",[0,0]]]"));
        Assert.Equal("{\"ok\":[[\"z\",[]],null,[\"a\",[1,2]]]}", await Call("get-many", "\"b\"", "[\"z\",\"missing\",\"a\"]"));
        Assert.Equal("{\"ok\":true}", await Call("exists", "\"b\"", "\"héllo\""));
        Assert.Equal("{\"ok\":false}", await Call("exists", "\"b\"", "\"missing\""));
        Assert.Equal("{\"ok\":[[\"a\",\"héllo\",\"z\"],null]}", await Call("list-keys", "\"b\"", "null"));
        Assert.Equal("{\"ok\":null}", await Call("delete", "\"b\"", "\"a\""));
        Assert.Equal("{\"ok\":null}", await Call("delete-many", "\"b\"", "[\"z\",\"never-there\"]"));
        Assert.Equal("{\"ok\":[[\"héllo\"],null]}", await Call("list-keys", "\"b\"", "null"));
        Assert.Equal("{\"ok\":[]}", await Call("get-many", "\"b\"", "[]"));
    }

    [Fact]
    public async Task List_keys_hands_the_component_a_cursor_to_the_next_page()
    {
        await using var host = await Deploy("keyvalue");
        var pairs = JsonSerializer.Serialize(Enumerable.Range(0, 1003).Select(i => new object[] { $"k{i:D4}", new[] { 1 } }));
        Assert.Equal("{\"ok\":null}", await First(host, "set-many", "\"paged\"", pairs));

        using var first = JsonDocument.Parse(await host.Client.CallJsonAsync("batch", "list-keys", ["\"paged\"", "null"]));
        var page = first.RootElement.GetProperty("ok");
        Assert.Equal(1000, page[0].GetArrayLength());
        Assert.Equal(1000, page[1].GetInt32());
        Assert.Equal("{\"ok\":[[\"k1000\",\"k1001\",\"k1002\"],null]}", await host.Client.CallJsonAsync("batch", "list-keys", ["\"paged\"", "1000"]));
    }

    [SkippableFact]
    public async Task A_missing_store_reaches_the_component_as_no_such_store()
    {
        LocalServer.SkipUnlessInstalled(NatsServer.Binary, NatsServer.MissingReason);
        using var nats = new NatsServer();
        await using var host = await Deploy("keyvalue-nats", new() { ["cluster_uri"] = nats.Url, ["enable_bucket_auto_create"] = "false" });
        // The component turns the error variant's case into its name: this is `no-such-store`, not other("...").
        Assert.Equal("{\"err\":\"no-such-store\"}", await First(host, "exists", "\"nowhere\"", "\"k\""));
        Assert.Equal("{\"err\":\"no-such-store\"}", await First(host, "get-many", "\"nowhere\"", "[\"k\"]"));
    }
}
