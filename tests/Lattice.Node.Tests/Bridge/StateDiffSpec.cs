using System.Collections.Immutable;
using System.Text.Json;
using Lattice.Model;
using Lattice.Node.Bridge;

namespace Lattice.Node.Tests.Bridge;

/// <summary>The events a desired-state change stands for when no ctl request made it (published by the leader's bridge).</summary>
public sealed class StateDiffSpec
{
    private const string Host = "NHOST";
    private static readonly string Sha1 = new('1', 64);
    private static readonly string Sha2 = new('2', 64);

    private static LatticeState Apply(LatticeState state, params LatticeEvent[] events) => events.Aggregate(state, (s, e) => s.Apply(e));

    private static List<(string Name, string Data)> Events(LatticeState before, LatticeState after, KnownRefs? refs = null) =>
        StateDiff.Events(before, after, Host, refs ?? new KnownRefs()).Select(e => (e.Name, e.Data.ToJsonString(CtlJson.Options))).ToList();

    /// <summary>A copy as another host receives it: every list and map a new instance.</summary>
    private static LatticeState Copy(LatticeState s) => s with
    {
        Links = s.Links.Select(l => l with { Interfaces = [.. l.Interfaces], SourceConfig = [.. l.SourceConfigNames], TargetConfig = [.. l.TargetConfigNames] }).ToImmutableList(),
        Configs = s.Configs.ToImmutableDictionary(kv => kv.Key, kv => kv.Value with { Values = new Dictionary<string, string>(kv.Value.Values) }),
        Components = s.Components.ToImmutableDictionary(kv => kv.Key, kv => kv.Value with { Config = [.. kv.Value.ConfigNames], PlacementLabels = new Dictionary<string, string>(kv.Value.Placement) }),
        Providers = s.Providers.ToImmutableDictionary(kv => kv.Key, kv => kv.Value with { Config = [.. kv.Value.ConfigNames] }),
    };

    private static readonly LinkDefinition Link = new("web", "kv", "wasi", "keyvalue", ["store", "atomics"], "default", [], ["redis"]);

    [Fact]
    public void Links_put_changed_and_deleted_become_linkdef_events()
    {
        var before = LatticeState.Empty;
        var put = Apply(before, new LinkPut(Link));
        Assert.Equal([("linkdef_set", """{"source_id":"web","target":"kv","name":"default","wit_namespace":"wasi","wit_package":"keyvalue","interfaces":["store","atomics"],"source_config":[],"target_config":["redis"]}""")],
            Events(before, put));

        var retargeted = Apply(put, new LinkPut(Link with { Target = "kv2" }));
        Assert.Equal("linkdef_set", Assert.Single(Events(put, retargeted)).Name);

        var deleted = Apply(put, new LinkDeleted("web", "wasi", "keyvalue", "default"));
        Assert.Equal([("linkdef_deleted", """{"source_id":"web","target":"kv","name":"default","wit_namespace":"wasi","wit_package":"keyvalue","interfaces":["store","atomics"]}""")],
            Events(put, deleted));
    }

    [Fact]
    public void Configs_set_changed_and_deleted_become_config_events()
    {
        var set = Apply(LatticeState.Empty, new ConfigPut(new NamedConfig("db", new Dictionary<string, string> { ["url"] = "a" })));
        Assert.Equal([("config_set", """{"config_name":"db"}""")], Events(LatticeState.Empty, set));
        var changed = Apply(set, new ConfigPut(new NamedConfig("db", new Dictionary<string, string> { ["url"] = "b" })));
        Assert.Equal([("config_set", """{"config_name":"db"}""")], Events(set, changed));
        Assert.Equal([("config_deleted", """{"config_name":"db"}""")], Events(changed, Apply(changed, new ConfigDeleted("db"))));
    }

    [Fact]
    public void Components_started_scaled_and_stopped_become_component_scaled_with_their_reference()
    {
        var refs = new KnownRefs();
        refs.Component("web", new KnownRefs.Entry("file:///web.wasm", new Dictionary<string, string> { ["app"] = "demo" }, Sha1));
        var started = Apply(LatticeState.Empty, new ComponentStarted(new ComponentSpec("web", Sha1, 2)));
        Assert.Equal([("component_scaled", """{"annotations":{"app":"demo"},"host_id":"NHOST","image_ref":"file:///web.wasm","max_instances":2,"component_id":"web"}""")],
            Events(LatticeState.Empty, started, refs));

        // A new artifact the reference does not name any more: the sha256 form.
        var updated = Apply(started, new ComponentStarted(new ComponentSpec("web", Sha2, 2)));
        Assert.Equal($$"""{"annotations":{"app":"demo"},"host_id":"NHOST","image_ref":"sha256:{{Sha2}}","max_instances":2,"component_id":"web"}""",
            Assert.Single(Events(started, updated, refs)).Data);

        var stopped = Apply(updated, new ComponentStopped("web"));
        Assert.Contains("\"max_instances\":0", Assert.Single(Events(updated, stopped, refs)).Data);
    }

    [Fact]
    public void Providers_started_and_stopped_become_provider_events()
    {
        var started = Apply(LatticeState.Empty, new ProviderStarted(new ProviderSpec("kv", "keyvalue")));
        Assert.Equal([("provider_started", """{"host_id":"NHOST","image_ref":"wasmcloud+builtin://keyvalue","provider_id":"kv","annotations":{}}""")],
            Events(LatticeState.Empty, started));
        var stopped = Events(started, Apply(started, new ProviderStopped("kv")));
        Assert.Equal("provider_stopped", Assert.Single(stopped).Name);
        var data = JsonDocument.Parse(stopped[0].Data).RootElement;
        Assert.Equal("stop", data.GetProperty("reason").GetString());
        Assert.Equal("kv", data.GetProperty("public_key").GetString());
    }

    [Fact]
    public void The_same_state_received_again_is_no_change()
    {
        var state = Apply(LatticeState.Empty,
            new LinkPut(Link),
            new ConfigPut(new NamedConfig("redis", new Dictionary<string, string> { ["url"] = "redis://x" })),
            new ComponentStarted(new ComponentSpec("web", Sha1, 1, ["redis"], new Dictionary<string, string> { ["zone"] = "a" })),
            new ProviderStarted(new ProviderSpec("kv", "keyvalue", ["redis"])));
        Assert.Empty(Events(state, Copy(state)));
    }
}
