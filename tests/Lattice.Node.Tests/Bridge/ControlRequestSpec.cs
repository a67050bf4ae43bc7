using System.Text;
using System.Text.Json.Nodes;
using Lattice.Actors;
using Lattice.Node.Bridge;
using Lattice.Node.Hosting;
using Lattice.Providers;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.NKeys;

namespace Lattice.Node.Tests.Bridge;

/// <summary>
/// The control interface in process, before any lattice runtime: the subscriptions of §3.2, the
/// reply envelope, and the requests answered without the runtime (ping, labels, bad input).
/// </summary>
public sealed class ControlRequestSpec : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lattice-ctl-").FullName;
    private readonly List<BusEvent> _published = [];
    private readonly BridgeHost _host;
    private readonly ControlInterface _ctl;
    private int _stops;

    public ControlRequestSpec()
    {
        var options = new LatticeHostOptions { DataDirectory = _dir, Labels = new Dictionary<string, string> { ["zone"] = "a" } };
        var node = new LatticeNode(new HostSettings(options, "127.0.0.1", 4000), HostIdentity.For(options));
        _host = new BridgeHost(node, new NatsSettings("nats://127.0.0.1:4222"), BuiltInProviders.Catalog,
            e => { lock (_published) _published.Add(e); return Task.CompletedTask; }, () => _stops++, NullLogger.Instance);
        _ctl = new ControlInterface(_host);
    }

    private async Task<string> Ask(string subject, string payload = "") =>
        Encoding.UTF8.GetString((await _ctl.HandleAsync("wasmbus.ctl.v1.default." + subject, Encoding.UTF8.GetBytes(payload), CancellationToken.None))!.ToBytes());

    [Fact]
    public void The_subscriptions_are_those_of_a_wasmcloud_host()
    {
        Assert.Equal(
        [
            ("wasmbus.ctl.v1.lat.registry.put", null),
            ("wasmbus.ctl.v1.lat.host.ping", null),
            ("wasmbus.ctl.v1.lat.link.*", "wasmbus.ctl.v1.lat.link"),
            ("wasmbus.ctl.v1.lat.claims.get", "wasmbus.ctl.v1.lat.claims"),
            ("wasmbus.ctl.v1.lat.component.*.NID", null),
            ("wasmbus.ctl.v1.lat.provider.*.NID", null),
            ("wasmbus.ctl.v1.lat.label.*.NID", null),
            ("wasmbus.ctl.v1.lat.host.*.NID", null),
            ("wasmbus.ctl.v1.lat.config.>", "wasmbus.ctl.v1.lat.config"),
            ("wasmbus.ctl.v1.lat.component.auction", null),
            ("wasmbus.ctl.v1.lat.provider.auction", null),
        ], ControlInterface.Subscriptions("lat", "NID").Select(s => (s.Subject, s.QueueGroup)));
    }

    [Fact]
    public void The_host_id_is_a_server_nkey() => Assert.True(KeyPair.IsValidPublicKey(PrefixByte.Server, _host.HostId), _host.HostId);

    [Fact]
    public async Task Ping_answers_without_the_runtime()
    {
        var reply = JsonNode.Parse(await Ask("host.ping"))!;
        Assert.True((bool)reply["success"]!);
        Assert.Equal(_host.HostId, (string?)reply["response"]!["id"]);
        Assert.Equal("a", (string?)reply["response"]!["labels"]!["zone"]);
        Assert.Equal("nats://127.0.0.1:4222", (string?)reply["response"]!["ctl_host"]);
    }

    [Theory]
    [InlineData("component.scale.NID", "{", "failed to deserialize component scale command: ")]
    [InlineData("component.scale.NID", "", "failed to deserialize component scale command: ")]
    [InlineData("component.scale.NID", """{"component_ref":"x"}""", "failed to deserialize component scale command: ")]
    [InlineData("component.scale.NID", """{"component_id":"x","count":-1}""", "failed to deserialize component scale command: ")]
    [InlineData("component.scale.NID", """{"component_id":"x","config":null}""", "failed to deserialize component scale command: ")]
    [InlineData("component.update.NID", "[]", "failed to deserialize component update command: ")]
    [InlineData("component.auction", """{"component_id":"x"}""", "failed to deserialize component auction command: ")]
    [InlineData("provider.start.NID", """{"provider_ref":"x"}""", "failed to deserialize provider start command: ")]
    [InlineData("provider.stop.NID", "7", "failed to deserialize provider stop command: ")]
    [InlineData("provider.auction", "{}", "failed to deserialize provider auction command: ")]
    [InlineData("link.put", """{"source_id":"a","target":"b","wit_namespace":"w","wit_package":"p"}""", "failed to deserialize wrpc link definition: ")]
    [InlineData("link.del", """{"source_id":"a"}""", "failed to deserialize wrpc link definition: ")]
    [InlineData("config.put.c", """{"a":1}""", "config data should be a map of string -> string: ")]
    [InlineData("label.put.NID", """{"key":"k"}""", "failed to deserialize put label request: ")]
    [InlineData("label.del.NID", "nope", "failed to deserialize delete label request: ")]
    [InlineData("registry.put", """{"r":{"registryType":5}}""", "failed to deserialize registries put command: ")]
    [InlineData("host.stop.NID", "{", "failed to deserialize stop command: ")]
    public async Task A_request_that_does_not_parse_gets_one_line_naming_it(string subject, string payload, string start)
    {
        var reply = JsonNode.Parse(await Ask(subject, payload))!.AsObject();
        Assert.Equal(["success", "message"], reply.Select(p => p.Key));
        Assert.False((bool)reply["success"]!);
        var message = (string)reply["message"]!;
        Assert.StartsWith(start, message);
        Assert.True(message.Length > start.Length, message);
        Assert.DoesNotContain('\n', message);
        Assert.DoesNotContain("System.", message);
        Assert.DoesNotContain("Lattice.", message);
    }

    [Theory]
    [InlineData("""{"component_ref":"x"}""", "failed to deserialize component scale command: missing field `component_id`")]
    [InlineData("""{"component_id":"x","count":-1}""", "failed to deserialize component scale command: The JSON value could not be converted to an unsigned integer. (at $.count)")]
    [InlineData("""{"component_id":"x","config":"a"}""", "failed to deserialize component scale command: The JSON value could not be converted to a list of strings. (at $.config)")]
    public async Task The_message_names_the_field_and_what_it_should_be(string payload, string message) =>
        Assert.Equal(message, (string?)JsonNode.Parse(await Ask("component.scale.NID", payload))!["message"]);

    [Theory]
    [InlineData("""{"component_id":"x","count":4294967295}""", "count must be at most 1000 instances in this lattice, got 4294967295 (wash scale's default: give --max-instances N)")]
    [InlineData("""{"component_id":"a.b","count":1}""", "'a.b' is not a valid component id (non-empty; no '.', '*', '>', '/' or whitespace)")]
    public async Task A_scale_this_lattice_cannot_do_is_refused_with_a_scale_failed_event(string payload, string message)
    {
        Assert.Equal(message, (string?)JsonNode.Parse(await Ask("component.scale.NID", payload))!["message"]);
        var e = Assert.Single(_published);
        Assert.Equal("component_scale_failed", e.Name);
        Assert.Equal(message, (string?)e.Data["error"]);
    }

    [Theory]
    [InlineData("component.frob.NID")]
    [InlineData("host.ping.extra")]
    [InlineData("config.get.a.b")]
    [InlineData("nothing")]
    [InlineData("claims.put")]
    public async Task An_unknown_subject_is_unsupported(string subject) =>
        Assert.Equal("""{"success":false,"message":"unsupported subject"}""", await Ask(subject, "{}"));

    [Fact]
    public async Task Claims_are_an_empty_list() =>
        Assert.Equal("""{"success":true,"message":"","response":[]}""", await Ask("claims.get"));

    [Fact]
    public async Task Labels_cannot_change_before_the_runtime_is_up_and_hostcore_labels_never()
    {
        // Labels live in the lattice state (ControlInterfaceSpec changes them on running hosts).
        Assert.Equal("""{"success":false,"message":"this host's lattice runtime is still starting"}""", await Ask($"label.put.{_host.HostId}", """{"key":"tier","value":"gold"}"""));
        Assert.Equal("""{"success":false,"message":"hostcore.* labels cannot be set dynamically"}""", await Ask($"label.put.{_host.HostId}", """{"key":"hostcore.arch","value":"z80"}"""));
        Assert.Equal("""{"success":false,"message":"'a b' is not a label key (no '=', ',' or whitespace)"}""", await Ask($"label.put.{_host.HostId}", """{"key":"a b","value":"x"}"""));
        Assert.Equal("""{"success":true,"message":"successfully deleted label (no such label)"}""", await Ask($"label.del.{_host.HostId}", """{"key":"tier"}"""));
        Assert.Empty(_published);
        Assert.Equal("a", _host.Labels.Current["zone"]);
    }

    [Fact]
    public async Task An_auction_this_host_cannot_win_gets_no_reply() =>
        Assert.Null(await _ctl.HandleAsync("wasmbus.ctl.v1.default.component.auction",
            Encoding.UTF8.GetBytes("""{"component_id":"x","constraints":{"zone":"b"}}"""), CancellationToken.None));

    [Fact]
    public async Task Host_stop_for_another_host_id_is_refused_and_for_this_one_stops_it()
    {
        Assert.Equal("""{"success":false,"message":"invalid host_id [NOTME]"}""", await Ask("host.stop.NID", """{"host_id":"NOTME"}"""));
        Assert.Equal(0, _stops);
        Assert.Equal("""{"success":true,"message":"successfully handled stop host"}""", await Ask($"host.stop.{_host.HostId}"));
        Assert.Equal(1, _stops);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(59, "59s")]
    [InlineData(3723, "1h 2m 3s")]
    [InlineData(86_400 + 60, "1day 1m")]
    [InlineData(3 * 86_400, "3days")]
    public void Uptime_reads_as_humantime_writes_it(int seconds, string text) => Assert.Equal(text, HostFacts.Uptime(TimeSpan.FromSeconds(seconds + 0.7)));

    [Theory]
    [InlineData("nats://127.0.0.1:4222", "nats://127.0.0.1:4222")]
    [InlineData("nats://alice:s3cret@nats.example:4222", "nats://nats.example:4222")]
    [InlineData("tls://a:1,nats://u:p@b:2", "tls://a:1,nats://b:2")]
    public void Ping_shows_the_nats_url_without_credentials(string url, string shown) => Assert.Equal(shown, new NatsSettings(url).PublicUrl);

    [Fact]
    public void The_friendly_name_is_stable_for_a_host_id() =>
        Assert.Equal(HostFacts.FriendlyName(_host.HostId), HostFacts.FriendlyName(_host.HostId));

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
