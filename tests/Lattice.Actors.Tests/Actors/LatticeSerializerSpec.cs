using Akka.Actor;
using Akka.Configuration;
using Lattice.Actors;
using Lattice.Model;
using Lattice.Serialization;

namespace Lattice.Tests.Actors;

public sealed class LatticeSerializerSpec : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("serializer-spec",
        ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(LatticeConfig.Reference));

    public void Dispose() => _system.Dispose();

    private static readonly string Sha = new('b', 64);

    public static TheoryData<object> Messages() => new()
    {
        new LinkPut(new LinkDefinition("web", "kv", "wasi", "keyvalue", ["store", "atomics"], "cache", ["s"], ["t"])),
        new LinkDeleted("web", "wasi", "keyvalue", "default"),
        new ConfigPut(new NamedConfig("db", new Dictionary<string, string> { ["url"] = "postgres://x", ["password"] = "p" })),
        new ComponentStarted(new ComponentSpec("web", Sha, 3, ["db"], new Dictionary<string, string> { ["zone"] = "a" }, TimeSpan.FromSeconds(5))),
        new ComponentScaled("web", 6),
        new ComponentStopped("web"),
        new ProviderStarted(new ProviderSpec("kv", "keyvalue", ["db"])),
        new ComponentStarted(new ComponentSpec("web", Sha, 1, Annotations: new Dictionary<string, string> { ["lattice.dev/image-ref"] = "file:///w.wasm" })),
        new ProviderStarted(new ProviderSpec("kv", "keyvalue", [], new Dictionary<string, string> { ["team"] = "a" })),
        new ScaleComponent("web", 2),
        new HostLabeled("akka.tcp://default@127.0.0.1:4100", "zone", "b"),
        new HostLabeled("akka.tcp://default@127.0.0.1:4100", "zone", null),
        new LabelHost("akka.tcp://default@127.0.0.1:4100", "gpu", "yes"),
        new InvokeJson("web", "add", ["2", "3"], TimeSpan.FromSeconds(3)),
        new InvokeReply("5", null, null),
        InvokeReply.Fail(CallFailureKind.Overloaded, "busy"),
        new InstanceInvoke("web/0", new InvokeJson("web", "add", ["1", "2"], TimeSpan.FromSeconds(1))),
        new EnsureInstance("web/1"),
        new RetireInstance("web/2"),
        GetLatticeState.Instance,
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void Round_trips_every_message_and_event(object message)
    {
        var serializer = _system.Serialization.FindSerializerFor(message);
        Assert.IsType<LatticeSerializer>(serializer);
        var manifest = ((LatticeSerializer)serializer).Manifest(message);
        Assert.DoesNotContain(".", manifest.Replace("ev.", "").Replace("cmd.", "").Replace("i.", "").Replace("r.", "").Replace("q.", "").Replace("call.", "")); // short tags, no CLR names
        var back = ((LatticeSerializer)serializer).FromBinary(serializer.ToBinary(message), manifest);
        Assert.Equal(Canonical(message), Canonical(back));
    }

    [Fact]
    public void Round_trips_the_whole_state_and_commands_inside_envelopes()
    {
        var state = LatticeState.Empty
            .Apply(new ConfigPut(new NamedConfig("db", new Dictionary<string, string> { ["k"] = "v" })))
            .Apply(new ComponentStarted(new ComponentSpec("web", Sha, 2, ["db"])))
            .Apply(new LinkPut(new LinkDefinition("web", "kv", "wasi", "keyvalue", ["store"])))
            .Apply(new HostLabeled("akka.tcp://default@127.0.0.1:4100", "zone", "b"))
            .Apply(new HostLabeled("akka.tcp://default@127.0.0.1:4100", "tier", null));
        var serializer = (LatticeSerializer)_system.Serialization.FindSerializerFor(new StateReply(state));
        var back = (StateReply)serializer.FromBinary(serializer.ToBinary(new StateReply(state)), serializer.Manifest(new StateReply(state)));
        Assert.Equal(state.Version, back.State.Version);
        Assert.Equal(2, back.State.Components["web"].Instances);
        Assert.Equal("v", back.State.Configs["db"].Values["k"]);
        Assert.Equal("kv", back.State.Resolve("web", WitInterfaceName.Parse("wasi:keyvalue/store"))!.Target);
        Assert.Equal(new Dictionary<string, string> { ["zone"] = "b" }, back.State.LabelsOf("akka.tcp://default@127.0.0.1:4100", ["zone=a", "tier=web"]));

        var envelope = new LatticeCommandEnvelope(new StopComponent("web"));
        var env = (LatticeCommandEnvelope)serializer.FromBinary(serializer.ToBinary(envelope), serializer.Manifest(envelope));
        Assert.Equal(new StopComponent("web"), env.Command);
    }

    [Fact]
    public void Events_journaled_before_specs_had_annotations_still_read()
    {
        // What ev.comp-start and ev.prov-start held before the Annotations field: the same keyed maps without it.
        var options = LatticeSerializer.Options;
        var component = MessagePack.MessagePackSerializer.Serialize(new { Spec = new { Id = "web", ArtifactSha256 = Sha, Instances = 2, Config = new[] { "db" } } }, options);
        var provider = MessagePack.MessagePackSerializer.Serialize(new { Spec = new { Id = "kv", Kind = "keyvalue", Config = Array.Empty<string>() } }, options);
        var serializer = (LatticeSerializer)_system.Serialization.FindSerializerFor(GetLatticeState.Instance);

        var started = (ComponentStarted)serializer.FromBinary(component, "ev.comp-start");
        Assert.Equal(("web", 2, "db"), (started.Spec.Id, started.Spec.Instances, started.Spec.ConfigNames.Single()));
        Assert.Empty(started.Spec.Notes);
        var provided = (ProviderStarted)serializer.FromBinary(provider, "ev.prov-start");
        Assert.Equal(("kv", "keyvalue"), (provided.Spec.Id, provided.Spec.Kind));
        Assert.Empty(provided.Spec.Notes);
    }

    [Fact]
    public void A_type_without_a_binding_is_refused_instead_of_written_as_json()
    {
        var serializer = _system.Serialization.FindSerializerFor(new Uri("http://example.invalid/"));
        Assert.IsType<RefusingSerializer>(serializer);
        var e = Assert.ThrowsAny<Exception>(() => serializer.ToBinary(new Uri("http://example.invalid/")));
        Assert.Contains("no serializer is bound for System.Uri", e.Message);
    }

    [Fact]
    public void Unknown_manifests_are_a_clear_error()
    {
        var serializer = (LatticeSerializer)_system.Serialization.FindSerializerFor(GetLatticeState.Instance);
        var e = Assert.ThrowsAny<Exception>(() => serializer.FromBinary([0x80], "no-such-tag"));
        Assert.Contains("no-such-tag", e.Message);
    }

    private static string Canonical(object o) => System.Text.Json.JsonSerializer.Serialize(o, o.GetType());
}
