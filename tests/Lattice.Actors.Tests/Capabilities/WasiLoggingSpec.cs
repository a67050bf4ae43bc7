using Lattice.Capabilities;
using Lattice.Tests.Wasm;
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Tests.Capabilities;

/// <summary>wasi:logging (draft and unversioned names) from a real component (logging.wasm) to a sink.</summary>
public sealed class WasiLoggingSpec : IDisposable
{
    private readonly ComponentLinker _linker = new(WasmHost.Engine);
    private readonly List<(WasiLogLevel Level, string Context, string Message)> _lines = [];
    private RecyclingInstance? _instance;

    public void Dispose()
    {
        _instance?.Dispose();
        _linker.Dispose();
    }

    private RecyclingInstance Start(WasiLogSink? sink = null, SecretRedactor? redactor = null)
    {
        WasiLogging.Define(_linker, sink ?? ((level, context, message) => _lines.Add((level, context, message))), redactor);
        return _instance = new RecyclingInstance(_linker, WasmHost.Fixture("wat/logging.wasm"));
    }

    private void Log(string function, uint level, string context, string message) =>
        _instance!.Call("", function, WitValue.U32(level), WitValue.String(context), WitValue.String(message));

    [Fact]
    public void Log_lines_reach_the_sink_with_their_level_and_context()
    {
        Start();
        for (var level = 0u; level < 6; level++) Log("log", level, "ctx", $"line {level}");
        Log("log-legacy", 3, "", "from an older component");

        Assert.Equal(
        [
            (WasiLogLevel.Trace, "ctx", "line 0"), (WasiLogLevel.Debug, "ctx", "line 1"), (WasiLogLevel.Info, "ctx", "line 2"),
            (WasiLogLevel.Warn, "ctx", "line 3"), (WasiLogLevel.Error, "ctx", "line 4"), (WasiLogLevel.Critical, "ctx", "line 5"),
            (WasiLogLevel.Warn, "", "from an older component"),
        ], _lines);
    }

    [Fact]
    public void One_call_cannot_flood_the_log_or_forge_other_lines()
    {
        Start();
        Log("log", 2, new string('c', 10_000), new string('x', 1_000_000));
        Log("log", 2, "app", "done\n2024-01-01 [ERROR] forged line\r\u2028");

        var (_, context, message) = _lines[0];
        Assert.Equal(new string('c', WasiLogging.MaxContextLength) + "… [9744 more characters cut]", context);
        Assert.Equal(new string('x', WasiLogging.MaxMessageLength) + $"… [{1_000_000 - WasiLogging.MaxMessageLength} more characters cut]", message);
        Assert.Equal("done\\n2024-01-01 [ERROR] forged line\\r\\u2028", _lines[1].Message);
    }

    [Fact]
    public void Secrets_of_the_components_config_never_reach_the_sink()
    {
        var config = new Dictionary<string, string> { ["api_token"] = "tok-123456", ["DB_PASSWORD"] = "hunter22", ["region"] = "eu-west", ["pin_key"] = "42" };
        Start(redactor: new SecretRedactor(() => config));
        Log("log", 4, "db hunter22", "connecting to eu-west with tok-123456 and pin 42");

        Assert.Equal((WasiLogLevel.Error, "db ********", "connecting to eu-west with ******** and pin 42"), _lines.Single());
    }

    [Fact]
    public void A_failing_sink_loses_the_line_but_the_guest_goes_on()
    {
        var instance = Start((_, _, _) => throw new IOException("log adapter gone"));
        Log("log", 2, "", "one");
        Log("log", 2, "", "two");
        Assert.Equal(1, instance.Generation);
    }

    [Fact]
    public void A_level_outside_the_enum_traps_before_the_sink()
    {
        Start();
        Assert.Throws<ComponentTrapException>(() => Log("log", 6, "", "bad level"));
        Assert.Empty(_lines);
        Log("log", 0, "", "the next instance works");
        Assert.Single(_lines);
    }
}
