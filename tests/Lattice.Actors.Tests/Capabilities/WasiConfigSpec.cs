using Lattice.Capabilities;
using Lattice.Model;
using Lattice.Tests.Wasm;
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Tests.Capabilities;

/// <summary>wasi:config (both wasmCloud names) answered from the component's named configs, through a real component (config.wasm).</summary>
public sealed class WasiConfigSpec : IDisposable
{
    private readonly ComponentLinker _linker = new(WasmHost.Engine);
    private LatticeState _state = LatticeState.Empty;
    private RecyclingInstance? _instance;

    public void Dispose()
    {
        _instance?.Dispose();
        _linker.Dispose();
    }

    private void Put(params LatticeEvent[] events)
    {
        foreach (var e in events) _state = _state.Apply(e);
    }

    private RecyclingInstance Start(Func<IReadOnlyDictionary<string, string>> config)
    {
        WasiConfig.Define(_linker, config);
        return _instance = new RecyclingInstance(_linker, WasmHost.Fixture("wat/config.wasm"));
    }

    private string Call(string function, params WitValue[] args) => WitJson.ToJson(_instance!.Call("", function, args), null);

    private static NamedConfig Config(string name, params (string Key, string Value)[] values) =>
        new(name, values.ToDictionary(v => v.Key, v => v.Value));

    [Fact]
    public void Get_and_get_all_answer_from_the_components_named_configs_later_names_winning()
    {
        Put(new ConfigPut(Config("base", ("greeting", "hello"), ("shared", "from base"))),
            new ConfigPut(Config("override", ("shared", "from override"), ("api_token", "s3cr3t-value"))),
            new ConfigPut(Config("unrelated", ("greeting", "not mine"))),
            new ComponentStarted(new ComponentSpec("app", new string('a', 64), 1, Config: ["base", "override"])));
        Start(new ComponentConfig("app", () => _state).Current);

        Assert.Equal("{\"ok\":\"hello\"}", Call("runtime-get", WitValue.String("greeting")));
        Assert.Equal("{\"ok\":\"from override\"}", Call("store-get", WitValue.String("shared")));
        Assert.Equal("{\"ok\":\"s3cr3t-value\"}", Call("store-get", WitValue.String("api_token"))); // the component gets its secrets
        Assert.Equal("{\"ok\":null}", Call("runtime-get", WitValue.String("missing")));
        const string all = "{\"ok\":[[\"api_token\",\"s3cr3t-value\"],[\"greeting\",\"hello\"],[\"shared\",\"from override\"]]}";
        Assert.Equal(all, Call("runtime-get-all"));
        Assert.Equal(all, Call("store-get-all"));
    }

    [Fact]
    public void The_components_side_of_its_links_config_comes_after_its_own()
    {
        Put(new ConfigPut(Config("own", ("region", "eu"), ("bucket", "own"))),
            new ConfigPut(Config("as-source", ("bucket", "from my link"))),
            new ConfigPut(Config("as-target", ("route", "/api"))),
            new ConfigPut(Config("providers-side", ("url", "redis://secret"))),
            new ComponentStarted(new ComponentSpec("app", new string('a', 64), 1, Config: ["own"])),
            new LinkPut(new LinkDefinition("app", "kv", "wasi", "keyvalue", ["store"], SourceConfig: ["as-source"], TargetConfig: ["providers-side"])),
            new LinkPut(new LinkDefinition("web", "app", "wasi", "http", ["incoming-handler"], SourceConfig: ["providers-side"], TargetConfig: ["as-target"])));
        Start(new ComponentConfig("app", () => _state).Current);

        Assert.Equal("{\"ok\":[[\"bucket\",\"from my link\"],[\"region\",\"eu\"],[\"route\",\"/api\"]]}", Call("runtime-get-all"));
    }

    [Fact]
    public void A_config_change_reaches_the_running_instance_without_a_restart()
    {
        Put(new ConfigPut(Config("base", ("mode", "slow"))),
            new ComponentStarted(new ComponentSpec("app", new string('a', 64), 1, Config: ["base"])));
        var instance = Start(new ComponentConfig("app", () => _state).Current);
        Assert.Equal("{\"ok\":\"slow\"}", Call("runtime-get", WitValue.String("mode")));

        Put(new ConfigPut(Config("base", ("mode", "fast"), ("extra", "1"))));
        Assert.Equal("{\"ok\":\"fast\"}", Call("runtime-get", WitValue.String("mode")));
        Assert.Equal("{\"ok\":[[\"extra\",\"1\"],[\"mode\",\"fast\"]]}", Call("store-get-all"));

        // The component's config list itself can change too (a component update naming other configs).
        Put(new ConfigPut(Config("other", ("mode", "other"))),
            new ComponentStarted(new ComponentSpec("app", new string('a', 64), 1, Config: ["base", "other"])));
        Assert.Equal("{\"ok\":\"other\"}", Call("runtime-get", WitValue.String("mode")));
        Assert.Equal(1, instance.Generation);
    }

    [Fact]
    public void A_component_without_configs_sees_an_empty_config()
    {
        Put(new ConfigPut(Config("base", ("mode", "slow"))),
            new ComponentStarted(new ComponentSpec("app", new string('a', 64), 1)));
        Start(new ComponentConfig("app", () => _state).Current);
        Assert.Equal("{\"ok\":null}", Call("store-get", WitValue.String("mode")));
        Assert.Equal("{\"ok\":[]}", Call("runtime-get-all"));
    }

    [Fact]
    public void A_failing_config_source_is_the_upstream_error_not_a_trap()
    {
        var instance = Start(() => throw new InvalidOperationException("the view is gone"));
        Assert.Equal("{\"err\":\"the component's config is unavailable: the view is gone\"}", Call("runtime-get", WitValue.String("mode")));
        Assert.Equal("{\"err\":\"the component's config is unavailable: the view is gone\"}", Call("store-get-all"));
        Assert.Equal(1, instance.Generation);
    }
}
