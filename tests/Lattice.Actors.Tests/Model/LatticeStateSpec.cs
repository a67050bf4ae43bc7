using Lattice.Actors.Providers;
using Lattice.Model;

namespace Lattice.Tests.Model;

public class LatticeStateSpec
{
    private static readonly string Sha = new('a', 64);

    private static LatticeState Run(LatticeState state, LatticeCommand command)
    {
        var (events, error) = state.Decide(command);
        Assert.Null(error);
        return events.Aggregate(state, (s, e) => s.Apply(e));
    }

    private static string Refused(LatticeState state, LatticeCommand command)
    {
        var (events, error) = state.Decide(command);
        Assert.Empty(events);
        return Assert.IsType<string>(error);
    }

    [Fact]
    public void A_link_replaces_the_link_with_the_same_source_package_and_name()
    {
        var s = Run(LatticeState.Empty, new PutLink(new LinkDefinition("web", "kv1", "wasi", "keyvalue", ["store"])));
        s = Run(s, new PutLink(new LinkDefinition("web", "kv2", "wasi", "keyvalue", ["store", "atomics"])));
        s = Run(s, new PutLink(new LinkDefinition("web", "kv3", "wasi", "keyvalue", ["store"], Name: "cache")));
        Assert.Equal(2, s.Links.Count);
        Assert.Equal("kv2", s.Resolve("web", WitInterfaceName.Parse("wasi:keyvalue/atomics@0.2.0-draft"))!.Target);
        Assert.Equal("kv3", s.Resolve("web", WitInterfaceName.Parse("wasi:keyvalue/store"), "cache")!.Target);
        Assert.Null(s.Resolve("web", WitInterfaceName.Parse("wasi:keyvalue/batch")));  // not in the link: denied
        Assert.Null(s.Resolve("other", WitInterfaceName.Parse("wasi:keyvalue/store"))); // other source: denied
    }

    [Fact]
    public void A_provider_sees_its_links_by_role_with_that_sides_config()
    {
        var s = Run(LatticeState.Empty, new PutConfig(new NamedConfig("listen", new Dictionary<string, string> { ["address"] = "127.0.0.1:8080" })));
        s = Run(s, new PutConfig(new NamedConfig("redis", new Dictionary<string, string> { ["url"] = "redis://a" })));
        s = Run(s, new PutConfig(new NamedConfig("redis-b", new Dictionary<string, string> { ["url"] = "redis://b" })));
        s = Run(s, new PutLink(new LinkDefinition("http", "web", "wasi", "http", ["incoming-handler"], SourceConfig: ["listen"], TargetConfig: ["redis"])));
        s = Run(s, new PutLink(new LinkDefinition("web", "kv", "wasi", "keyvalue", ["store"], SourceConfig: ["listen"], TargetConfig: ["redis", "redis-b"])));

        var http = ProviderLinks.Of("http", s);
        var source = Assert.Single(http.AsSource);
        Assert.Equal(("web", "127.0.0.1:8080"), (source.PeerId, source.Config["address"]));
        Assert.Empty(http.AsTarget);

        var kv = ProviderLinks.Of("kv", s);
        var target = Assert.Single(kv.AsTarget);
        Assert.Equal(("web", "redis://b"), (target.PeerId, target.Config["url"])); // later config names win
        Assert.False(target.Config.ContainsKey("address"));                         // never the other side's config
    }

    [Fact]
    public void Deleting_a_link_needs_it_to_exist()
    {
        var s = Run(LatticeState.Empty, new PutLink(new LinkDefinition("web", "kv", "wasi", "keyvalue", ["store"])));
        Assert.Contains("no link", Refused(s, new DeleteLink("web", "wasi", "blobstore", "default")));
        s = Run(s, new DeleteLink("web", "wasi", "keyvalue", "default"));
        Assert.Empty(s.Links);
    }

    [Fact]
    public void Bad_links_are_refused_with_a_reason()
    {
        Assert.Contains("itself", Refused(LatticeState.Empty, new PutLink(new LinkDefinition("a", "a", "wasi", "keyvalue", ["store"]))));
        Assert.Contains("interface", Refused(LatticeState.Empty, new PutLink(new LinkDefinition("a", "b", "wasi", "keyvalue", []))));
    }

    [Fact]
    public void Components_scale_and_stop_and_need_their_configs()
    {
        Assert.Contains("'db'", Refused(LatticeState.Empty, new StartComponent(new ComponentSpec("web", Sha, 2, ["db"]))));
        var s = Run(LatticeState.Empty, new PutConfig(new NamedConfig("db", new Dictionary<string, string> { ["url"] = "x" })));
        s = Run(s, new StartComponent(new ComponentSpec("web", Sha, 2, ["db"])));
        s = Run(s, new ScaleComponent("web", 6));
        Assert.Equal(6, s.Components["web"].Instances);
        Assert.Contains("between 0 and", Refused(s, new ScaleComponent("web", -1)));
        Assert.Contains("sha256", Refused(s, new StartComponent(new ComponentSpec("x", "abc", 1))));
        Assert.Contains("'/'", Refused(s, new StartComponent(new ComponentSpec("a/b", Sha, 1))));
        s = Run(s, new StopComponent("web"));
        Assert.Empty(s.Components);
        Assert.Contains("no component", Refused(s, new ScaleComponent("web", 1)));
    }

    [Fact]
    public void Configs_merge_in_order_and_hide_secrets()
    {
        var s = Run(LatticeState.Empty, new PutConfig(new NamedConfig("a", new Dictionary<string, string> { ["x"] = "1", ["api-token"] = "t" })));
        s = Run(s, new PutConfig(new NamedConfig("b", new Dictionary<string, string> { ["x"] = "2" })));
        Assert.Equal("2", s.MergedConfig(["a", "b"])["x"]);
        Assert.Equal("1", s.MergedConfig(["b", "a"])["x"]);
        Assert.Equal("********", s.Configs["a"].Redacted()["api-token"]);
        Assert.Equal("1", s.Configs["a"].Redacted()["x"]);
    }

    [Fact]
    public void Every_event_advances_the_version()
    {
        var s = Run(LatticeState.Empty, new PutConfig(new NamedConfig("a", new Dictionary<string, string>())));
        Assert.Equal(1, s.Version);
        Assert.Equal(2, Run(s, new DeleteConfig("a")).Version);
    }

    [Fact]
    public void Host_labels_change_on_top_of_the_start_up_labels()
    {
        const string host = "akka.tcp://default@127.0.0.1:4100";
        string[] roles = ["host", "zone=a", "tier=web"];
        Assert.Equal(new Dictionary<string, string> { ["tier"] = "web", ["zone"] = "a" }, LatticeState.Empty.LabelsOf(host, roles));

        var s = Run(LatticeState.Empty, new LabelHost(host, "zone", "b"));
        s = Run(s, new LabelHost(host, "gpu", "yes"));
        s = Run(s, new LabelHost(host, "tier", null));
        Assert.Equal(new Dictionary<string, string> { ["gpu"] = "yes", ["zone"] = "b" }, s.LabelsOf(host, roles));
        // Set again after a removal, and another host untouched.
        s = Run(s, new LabelHost(host, "tier", "db"));
        Assert.Equal("db", s.LabelsOf(host, roles)["tier"]);
        Assert.Equal("a", s.LabelsOf("akka.tcp://default@127.0.0.1:4101", roles)["zone"]);
        Assert.Equal(4, s.Version);
    }

    [Theory]
    [InlineData("", "v")]
    [InlineData("zone=a", "v")]
    [InlineData("has space", "v")]
    [InlineData("k", "a,b")]
    public void Malformed_labels_are_refused(string key, string value) =>
        Assert.Contains("label", Refused(LatticeState.Empty, new LabelHost("akka.tcp://default@127.0.0.1:4100", key, value)));

    [Theory]
    [InlineData("wasi:keyvalue/store@0.2.0-draft", "wasi", "keyvalue", "store", "0.2.0-draft")]
    [InlineData("test:numbers/test", "test", "numbers", "test", null)]
    public void Parses_interface_names(string text, string ns, string pkg, string iface, string? version)
    {
        Assert.Equal(new WitInterfaceName(ns, pkg, iface, version), WitInterfaceName.Parse(text));
        Assert.Equal(text, WitInterfaceName.Parse(text).ToString());
    }

    [Theory]
    [InlineData("nopackage")]
    [InlineData("a:b/")]
    [InlineData(":b/c")]
    public void Rejects_malformed_interface_names(string text) => Assert.False(WitInterfaceName.TryParse(text, out _));
}
