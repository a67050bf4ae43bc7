using Lattice.Actors;
using Lattice.Model;

namespace Lattice.Tests.Actors;

/// <summary>The lattice on one real host: desired state persisted in SQLite, instances as sharded actors, calls routed.</summary>
[Collection("lattice hosts")] // one cluster at a time: they are heavy on 2 cores
public sealed class LatticeRuntimeSpec
{
    private static byte[] Fixture(string name) => File.ReadAllBytes(TestPaths.Fixture(name));

    [Fact]
    public async Task A_started_component_answers_calls_and_typed_errors()
    {
        await using var host = await SingleHost.StartAsync();
        var sha = await host.Client.Artifacts.PutAsync(Fixture("wat/bench.wasm"));
        await host.Client.SendAsync(new StartComponent(new ComponentSpec("bench", sha, 2)));

        Assert.Equal("5", await host.CallWhenReadyAsync("bench", "add", "2", "3"));
        Assert.Equal("\"hi\"", await host.Client.CallJsonAsync("bench", "echo-string", ["\"hi\""]));

        var bad = await Assert.ThrowsAsync<LatticeCallException>(() => host.Client.CallJsonAsync("bench", "add", ["\"x\"", "3"]));
        Assert.Equal(CallFailureKind.BadArguments, bad.Kind);
        var missing = await Assert.ThrowsAsync<LatticeCallException>(() => host.Client.CallJsonAsync("nope", "add", ["1", "2"]));
        Assert.Equal(CallFailureKind.NotFound, missing.Kind);
        var noExport = await Assert.ThrowsAsync<LatticeCallException>(() => host.Client.CallJsonAsync("bench", "sub", ["1", "2"]));
        Assert.Equal(CallFailureKind.NotFound, noExport.Kind);
        Assert.Contains("echo-bytes", noExport.Message);

        var inventory = await host.Runtime.InventoryAsync();
        Assert.Equal(["bench/0", "bench/1"], inventory.Select(i => i.EntityId));
    }

    [Fact]
    public async Task A_trapping_instance_is_recycled_and_the_next_call_works()
    {
        await using var host = await SingleHost.StartAsync();
        var sha = await host.Client.Artifacts.PutAsync(Fixture("wat/loop.wasm"));
        await host.Client.SendAsync(new StartComponent(new ComponentSpec("loop", sha, 1, Timeout: TimeSpan.FromMilliseconds(300))));
        Assert.Equal("7", await host.CallWhenReadyAsync("loop", "ok"));

        var trap = await Assert.ThrowsAsync<LatticeCallException>(() => host.Client.CallJsonAsync("loop", "spin", []));
        Assert.Equal(CallFailureKind.Trap, trap.Kind);
        Assert.Contains("deadline", trap.Message);
        Assert.Equal("7", await host.Client.CallJsonAsync("loop", "ok", []));
    }

    [Fact]
    public async Task Commands_are_refused_with_a_reason_and_state_survives_a_restart()
    {
        var options = SingleHost.NewOptions();
        string sha;
        await using (var host = await SingleHost.StartAsync(options))
        {
            sha = await host.Client.Artifacts.PutAsync(Fixture("wat/bench.wasm"));
            var refused = await Assert.ThrowsAsync<LatticeCommandException>(() => host.Client.SendAsync(new StartComponent(new ComponentSpec("bench", sha, 1, ["missing"]))));
            Assert.Contains("'missing'", refused.Message);

            await host.Client.SendAsync(new PutConfig(new NamedConfig("greeting", new Dictionary<string, string> { ["who"] = "world" })));
            await host.Client.SendAsync(new PutLink(new LinkDefinition("bench", "kv", "wasi", "keyvalue", ["store"])));
            await host.Client.SendAsync(new StartComponent(new ComponentSpec("bench", sha, 1, ["greeting"])));
            await host.Client.SendAsync(new ScaleComponent("bench", 3));
            Assert.Equal("5", await host.CallWhenReadyAsync("bench", "add", "2", "3"));
        }

        // Same data directory, new process-equivalent: everything the user was told is saved is back.
        await using var again = await SingleHost.StartAsync(options with { Port = SingleHost.NewOptions().Port });
        var state = await again.Client.GetStateAsync();
        Assert.Equal(3, state.Components["bench"].Instances);
        Assert.Equal("world", state.Configs["greeting"].Values["who"]);
        Assert.Equal("kv", state.Resolve("bench", WitInterfaceName.Parse("wasi:keyvalue/store"))!.Target);
        Assert.Equal(sha, WasmSha(await again.Client.Artifacts.GetAsync(sha)));
        Assert.Equal("9", await again.CallWhenReadyAsync("bench", "add", "4", "5"));
    }

    [Fact]
    public async Task Component_to_component_calls_go_through_links_and_are_denied_without_one()
    {
        await using var host = await SingleHost.StartAsync();
        var types = await host.Client.Artifacts.PutAsync(Fixture("wat/types.wasm"));
        var caller = await host.Client.Artifacts.PutAsync(Fixture("wat/caller.wasm"));
        await host.Client.SendAsync(new StartComponent(new ComponentSpec("types", types, 1)));
        await host.Client.SendAsync(new StartComponent(new ComponentSpec("caller", caller, 1)));

        // No link: denied with a clear, typed error; the caller instance is recycled, not the host.
        var denied = await Assert.ThrowsAsync<LatticeCallException>(() => host.CallWhenReadyAsync("caller", "add-twice", "1", "2"));
        Assert.Equal(CallFailureKind.Denied, denied.Kind);
        Assert.Contains("no link for lattice:fixtures/types", denied.Message);

        await host.Client.SendAsync(new PutLink(new LinkDefinition("caller", "types", "lattice", "fixtures", ["types"])));
        Assert.Equal("5", await EventuallyAsync(() => host.Client.CallJsonAsync("caller", "add-twice", ["1", "2"])));

        // The link's target going away is a denial too, not a hang.
        await host.Client.SendAsync(new StopComponent("types"));
        var gone = await Assert.ThrowsAsync<LatticeCallException>(() => EventuallyFailsAsync(() => host.Client.CallJsonAsync("caller", "add-twice", ["1", "2"])));
        Assert.Equal(CallFailureKind.Denied, gone.Kind);
    }

    [Fact]
    public async Task Scaling_down_retires_instances_and_a_full_queue_fails_fast_as_overloaded()
    {
        var options = SingleHost.NewOptions() with { QueuePerInstance = 0 };
        await using var host = await SingleHost.StartAsync(options);
        var sha = await host.Client.Artifacts.PutAsync(Fixture("wat/loop.wasm"));
        await host.Client.SendAsync(new StartComponent(new ComponentSpec("loop", sha, 3, Timeout: TimeSpan.FromSeconds(2))));
        Assert.Equal("7", await host.CallWhenReadyAsync("loop", "ok"));
        await EventuallyAsync(async () => (await host.Runtime.InventoryAsync()).Count == 3 ? "3" : throw new LatticeCallException(CallFailureKind.NotFound, "not yet"));

        await host.Client.SendAsync(new ScaleComponent("loop", 1));
        await EventuallyAsync(async () => (await host.Runtime.InventoryAsync()).Count == 1 ? "1" : throw new LatticeCallException(CallFailureKind.NotFound, "not yet"));
        Assert.Equal(["loop/0"], (await host.Runtime.InventoryAsync()).Select(i => i.EntityId));

        // One instance, no queue: while it spins, a second call is refused at once instead of waiting.
        var spinning = host.Client.CallJsonAsync("loop", "spin", []);
        await Task.Delay(200);
        var overloaded = await Assert.ThrowsAsync<LatticeCallException>(() => host.Client.CallJsonAsync("loop", "ok", []));
        Assert.Equal(CallFailureKind.Overloaded, overloaded.Kind);
        Assert.Equal(CallFailureKind.Trap, (await Assert.ThrowsAsync<LatticeCallException>(() => spinning)).Kind);
        Assert.Equal("7", await host.Client.CallJsonAsync("loop", "ok", []));
    }

    [Fact]
    public async Task An_instance_reads_its_named_configs_through_wasi_config_and_sees_changes_live()
    {
        await using var host = await SingleHost.StartAsync();
        var sha = await host.Client.Artifacts.PutAsync(Fixture("wat/config.wasm"));
        await host.Client.SendAsync(new PutConfig(new NamedConfig("base", new Dictionary<string, string> { ["greeting"] = "hello", ["who"] = "base" })));
        await host.Client.SendAsync(new PutConfig(new NamedConfig("site", new Dictionary<string, string> { ["who"] = "site" })));
        await host.Client.SendAsync(new StartComponent(new ComponentSpec("configured", sha, 1, Config: ["base", "site"])));

        Assert.Equal("{\"ok\":\"site\"}", await host.CallWhenReadyAsync("configured", "runtime-get", "\"who\""));
        Assert.Equal("{\"ok\":\"hello\"}", await host.Client.CallJsonAsync("configured", "store-get", ["\"greeting\""]));
        Assert.Equal("{\"ok\":null}", await host.Client.CallJsonAsync("configured", "store-get", ["\"missing\""]));

        await host.Client.SendAsync(new PutConfig(new NamedConfig("site", new Dictionary<string, string> { ["who"] = "changed" })));
        Assert.Equal("{\"ok\":\"changed\"}", await EventuallyAsync(async () =>
        {
            var r = await host.Client.CallJsonAsync("configured", "runtime-get", ["\"who\""]);
            return r.Contains("changed") ? r : throw new LatticeCallException(CallFailureKind.NotFound, "not yet: " + r);
        }));
    }

    [Fact]
    public async Task A_caller_that_stops_waiting_gets_a_typed_timeout_and_the_instance_serves_on()
    {
        await using var host = await SingleHost.StartAsync();
        var sha = await host.Client.Artifacts.PutAsync(Fixture("wat/loop.wasm"));
        await host.Client.SendAsync(new StartComponent(new ComponentSpec("slow", sha, 1, Timeout: TimeSpan.FromSeconds(2))));
        Assert.Equal("7", await host.CallWhenReadyAsync("slow", "ok"));

        // The caller gives up long before the instance's own deadline stops the spin.
        var timedOut = await Assert.ThrowsAsync<LatticeCallException>(() => host.Client.CallJsonAsync("slow", "spin", [], TimeSpan.FromMilliseconds(300)));
        Assert.Equal(CallFailureKind.Timeout, timedOut.Kind);
        Assert.Contains("slow/0", timedOut.Message);
        Assert.Equal("7", await host.Client.CallJsonAsync("slow", "ok", [], TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task An_idle_instance_passivates_and_the_next_call_brings_it_back()
    {
        await using var host = await SingleHost.StartAsync();
        var sha = await host.Client.Artifacts.PutAsync(Fixture("wat/bench.wasm"));
        await host.Client.SendAsync(new StartComponent(new ComponentSpec("idle", sha, 1, PassivateAfter: TimeSpan.FromMilliseconds(300))));
        Assert.Equal("5", await host.CallWhenReadyAsync("idle", "add", "2", "3"));
        await EventuallyAsync(async () => (await host.Runtime.InventoryAsync()).Count == 0 ? "gone" : throw new LatticeCallException(CallFailureKind.NotFound, "still running"));
        Assert.Equal("7", await host.Client.CallJsonAsync("idle", "add", ["3", "4"]));
        Assert.Single(await host.Runtime.InventoryAsync());
    }

    /// <summary>New desired state reaches instances shortly after the command is acknowledged.</summary>
    private static async Task<string> EventuallyAsync(Func<Task<string>> call)
    {
        for (var attempt = 0; ; attempt++)
        {
            try { return await call(); }
            catch (LatticeCallException) when (attempt < 50) { await Task.Delay(100); }
        }
    }

    private static async Task EventuallyFailsAsync(Func<Task<string>> call)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            await call();
            await Task.Delay(100);
        }
    }

    private static string WasmSha(byte[]? bytes) => Lattice.Wasm.WasmComponent.HashOf(bytes!);
}
