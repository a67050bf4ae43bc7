using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Lattice.Model;
using Lattice.Node.Bridge.SharedState;

namespace Lattice.Node.Tests.Bridge;

/// <summary>The link arithmetic and the value formats of the shared-bucket mirror, without NATS.</summary>
public sealed class LinkSetsSpec
{
    private static LinkDefinition Link(string source, string target, string name = "default", string package = "keyvalue", params string[] interfaces) =>
        new(source, target, "wasi", package, interfaces.Length == 0 ? ["store"] : interfaces, name);

    private static LatticeState State(params LinkDefinition[] links) => LatticeState.Empty with { Links = [.. links] };

    [Fact]
    public void Changes_name_the_links_put_changed_and_gone_for_one_source()
    {
        var before = State(Link("a", "x"), Link("a", "y", "second"), Link("a", "z", "gone"), Link("b", "x"));
        var after = State(Link("a", "x"), Link("a", "y2", "second"), Link("a", "w", "new"), Link("b", "q"));
        var delta = LinkSets.Changes(before, after, "a");
        Assert.Equal(["y2", "w"], delta.Puts.Select(l => l.Target));
        Assert.Equal(["gone"], delta.Removed.Select(l => l.Name));
        Assert.True(LinkSets.Changes(before, before, "a").IsEmpty);
    }

    [Fact]
    public void Merge_keeps_links_it_was_not_told_about_and_replaces_by_key()
    {
        var stored = new[] { Link("a", "x"), Link("a", "foreign", "theirs"), Link("a", "old", "second") };
        var merged = LinkSets.Merge(stored, new LinkSets.Delta([Link("a", "new", "second"), Link("a", "n", "third")], [Link("a", "x")]));
        Assert.Equal(["foreign", "new", "n"], merged.Select(l => l.Target));
    }

    [Fact]
    public void Reconcile_makes_ours_equal_to_theirs_and_the_last_of_one_key_wins()
    {
        var ours = new[] { Link("a", "x"), Link("a", "keep", "k"), Link("a", "gone", "g") };
        var theirs = new[] { Link("a", "first", "k"), Link("a", "keep", "k"), Link("a", "x"), Link("a", "added", "n") };
        var delta = LinkSets.Reconcile(ours, theirs);
        Assert.Equal(["added"], delta.Puts.Select(l => l.Target));
        Assert.Equal(["g"], delta.Removed.Select(l => l.Name));
        Assert.True(LinkSets.Reconcile(theirs[1..], theirs[1..]).IsEmpty);
        Assert.True(LinkSets.Same([Link("a", "x"), Link("a", "y", "n")], [Link("a", "y", "n"), Link("a", "x")]));
        Assert.False(LinkSets.Same([Link("a", "x")], [Link("a", "x", interfaces: ["store", "atomics"])]));
    }

    [Fact]
    public void A_component_specification_reads_and_writes_wasmclouds_json()
    {
        var json = """{"url":"ghcr.io/x:1","links":[{"source_id":"a","target":"b","name":"n","wit_namespace":"wasi","wit_package":"keyvalue","interfaces":["store"],"source_config":["c"],"target_config":[]},{"source_id":"other","target":"b","wit_namespace":"wasi","wit_package":"http","interfaces":["outgoing-handler"]}],"extra":1}""";
        var spec = ComponentSpecification.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Equal("ghcr.io/x:1", spec.Url);
        var link = Assert.Single(spec.LinksOf("a")); // a link naming another source is not a's
        Assert.True(Lattice.Node.Bridge.StateDiff.Same(new LinkDefinition("a", "b", "wasi", "keyvalue", ["store"], "n", ["c"], []), link));
        Assert.Equal("default", spec.Links[1].Name);

        Assert.Empty(ComponentSpecification.Parse("""{"url":null}"""u8).Links); // later wasmCloud writes null for external components
        Assert.Equal("""{"url":"","links":[]}""", Encoding.UTF8.GetString(new ComponentSpecification { Url = "" }.ToBytes()));
        Assert.Throws<JsonException>(() => ComponentSpecification.Parse("""{"links":[{"source_id":7}]}"""u8));
        Assert.Throws<JsonException>(() => ComponentSpecification.Parse("not json"u8));
        Assert.Equal("x", ComponentSpecification.IdOf("COMPONENT_x"));
        Assert.Null(ComponentSpecification.IdOf("CLAIMS_x"));
        Assert.Null(ComponentSpecification.IdOf("COMPONENT_"));
    }

    [Fact]
    public void Config_values_are_a_map_of_strings_and_secret_references_stay_out()
    {
        Assert.Equal("v", ConfigValues.Parse("""{"k":"v"}"""u8)["k"]);
        Assert.Throws<JsonException>(() => ConfigValues.Parse("""{"port":8080}"""u8));
        Assert.Throws<JsonException>(() => ConfigValues.Parse("null"u8));
        Assert.False(ConfigValues.IsMirrored("SECRET_db"));
        Assert.True(ConfigValues.IsMirrored("db"));
        Assert.True(ConfigValues.Same(ImmutableDictionary<string, string>.Empty.Add("a", "1"), new Dictionary<string, string> { ["a"] = "1" }));
    }
}
