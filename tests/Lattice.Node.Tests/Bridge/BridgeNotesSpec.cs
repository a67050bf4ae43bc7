using Lattice.Model;
using Lattice.Node.Bridge;

namespace Lattice.Node.Tests.Bridge;

/// <summary>
/// What the bridge persists in a spec's annotations: wasmCloud's image reference and annotations
/// (read back by a bridge that never saw the request) and each host's share of the instances.
/// </summary>
public sealed class BridgeNotesSpec
{
    private static readonly string Sha = new('a', 64);

    [Fact]
    public void A_bridge_that_never_saw_the_request_shows_the_persisted_reference_and_annotations()
    {
        var notes = BridgeNotes.Compose(new Dictionary<string, string> { ["wasmcloud.dev/appspec"] = "demo", ["lattice.dev/forged"] = "x" },
            "file:///srv/web.wasm", new Dictionary<string, int> { ["NB"] = 2, ["NA"] = 1 });
        var spec = new ComponentSpec("web", Sha, 3, Annotations: notes);
        var fresh = new KnownRefs();

        Assert.Equal("file:///srv/web.wasm", fresh.ComponentRef(spec));
        Assert.Equal(new Dictionary<string, string> { ["wasmcloud.dev/appspec"] = "demo" }, fresh.ComponentAnnotations(spec));
        Assert.Equal("""{"NA":1,"NB":2}""", notes[BridgeNotes.HostInstances]);
        Assert.Equal([("NA", 1), ("NB", 2)], BridgeNotes.Shares(spec.Notes).Select(s => (s.Key, s.Value)));

        var provider = new ProviderSpec("kv", "keyvalue-redis", [], BridgeNotes.Compose(new Dictionary<string, string> { ["team"] = "a" }, "ghcr.io/wasmcloud/keyvalue-redis:0.28.1"));
        Assert.Equal("ghcr.io/wasmcloud/keyvalue-redis:0.28.1", fresh.ProviderRef(provider));
        Assert.Equal("a", fresh.ProviderAnnotations(provider)["team"]);
    }

    [Fact]
    public void Specs_without_notes_fall_back_to_what_the_bridge_heard_or_the_artifact_form()
    {
        var spec = new ComponentSpec("web", Sha, 1);
        var refs = new KnownRefs();
        Assert.Equal($"sha256:{Sha}", refs.ComponentRef(spec));
        Assert.Empty(refs.ComponentAnnotations(spec));
        Assert.Empty(BridgeNotes.Shares(spec.Notes));

        refs.Component("web", new KnownRefs.Entry("file:///w.wasm", new Dictionary<string, string> { ["k"] = "v" }, Sha));
        Assert.Equal("file:///w.wasm", refs.ComponentRef(spec));
        Assert.Equal("v", refs.ComponentAnnotations(spec)["k"]);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"NA":"two"}""")]
    [InlineData("[1,2]")]
    public void Shares_that_do_not_parse_count_as_none(string json)
    {
        var notes = new Dictionary<string, string> { [BridgeNotes.HostInstances] = json };
        Assert.Empty(BridgeNotes.Shares(notes));
    }

    [Fact]
    public void Zero_and_negative_shares_are_no_shares()
    {
        var notes = new Dictionary<string, string> { [BridgeNotes.HostInstances] = """{"NA":0,"NB":-1,"NC":2}""" };
        Assert.Equal(["NC"], BridgeNotes.Shares(notes).Keys);
    }
}
