using System.Text.Json;
using System.Text.Json.Nodes;
using Lattice.Wasi;
using Lattice.Wasm;
using Lattice.Wit;
using Xunit.Abstractions;

namespace Lattice.Tests.Wasi;

/// <summary>
/// The corpus's WASI cases on our host: real components built by others (Rust std, wasi-libc,
/// WASI-Virt compositions) at WASI 0.2.0, 0.2.1 and 0.2.3, with their expected results and output.
/// </summary>
public sealed class WasiCorpusSpec(ITestOutputHelper output)
{
    public static IEnumerable<object[]> CaseIds() => WasiCorpus.CaseIds();

    [CorpusTheory]
    [MemberData(nameof(CaseIds))]
    public void Case(string id)
    {
        var spec = WasiCorpus.Case(id);
        var componentFile = spec.GetProperty("component").GetString()!;
        using var scratch = new ScratchDirectory();
        var stdout = new CapturedOutput();
        var stderr = new CapturedOutput();
        using var store = new ComponentStore(WasiTestbed.Engine);
        var instance = WasiTestbed.Instantiate(WasiCorpus.ComponentPath(componentFile), Context(spec, componentFile, scratch, stdout, stderr), store);
        if (spec.TryGetProperty("instantiate_only", out var only) && only.GetBoolean()) return;

        var export = spec.GetProperty("export").GetString()!;
        if (spec.TryGetProperty("setup", out var setup))
            foreach (var step in setup.EnumerateArray())
                Call(instance, export, step.GetProperty("func").GetString()!, step.GetProperty("args"));

        var funcName = spec.GetProperty("func").GetString()!;
        if (spec.TryGetProperty("expect_trap", out var trap) && trap.GetBoolean())
        {
            var e = Assert.ThrowsAny<ComponentTrapException>(() => Call(instance, export, funcName, spec.GetProperty("args")));
            output.WriteLine($"trapped as expected: {e.Message}");
            if (spec.TryGetProperty("expect_trap_contains", out var contains)) Assert.Contains(contains.GetString()!, e.Message);
        }
        else
        {
            var (result, type) = Call(instance, export, funcName, spec.GetProperty("args"));
            var actual = WitJson.ToJson(result, type);
            output.WriteLine($"result: {actual}");
            var expected = spec.GetProperty("expect").GetRawText();
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"expected {expected}, got {actual}; stderr: {stderr.Text}");
        }
        if (spec.TryGetProperty("expect_stdout", out var expectStdout)) Assert.Equal(expectStdout.GetString(), stdout.Text);
        if (spec.TryGetProperty("expect_stderr", out var expectStderr)) Assert.Equal(expectStderr.GetString(), stderr.Text);
    }

    /// <summary>
    /// api_reactor's <c>write-strings-to</c> takes an <c>own&lt;output-stream&gt;</c>: the host hands the
    /// guest a stream of its own making, which the guest writes through check-write, write, subscribe,
    /// block and flush, then drops. This is how wasi:http will hand out body streams.
    /// </summary>
    [CorpusFact]
    public void A_host_made_output_stream_can_be_passed_to_the_guest()
    {
        using var store = new ComponentStore(WasiTestbed.Engine);
        var context = new WasiContext { Environment = new Dictionary<string, string> { ["GOOD_DOG"] = "gussie" } };
        var instance = WasiTestbed.Instantiate(WasiCorpus.ComponentPath("api_reactor.component.wasm"), context, store);
        instance.GetFunction("", "add-strings").Call(WitValue.List([WitValue.String("hello "), WitValue.String("$GOOD_DOG")]));

        var stream = new TrickleOutputStream(permit: 3);
        var handle = WasiStreams.Own(store.Resources, stream);
        var result = instance.GetFunction("", "write-strings-to").Call(handle);

        Assert.True(result is WitResult { IsOk: true }, WitJson.ToJson(result, null));
        Assert.Equal("hello gussie", stream.Text);
        Assert.True(stream.Disposed, "the guest dropped its own<output-stream>, so the host object is released");
        Assert.Equal(0, store.Resources.Count);
    }

    private static (WitValue? Result, WitType? Type) Call(ComponentInstance instance, string export, string func, JsonElement args)
    {
        var f = instance.GetFunction(export, func);
        var values = args.EnumerateArray().Select((a, i) => WitJson.FromJson(a, f.Type.Params[i].Type, $"argument {i}")).ToArray();
        return (f.Call(values), f.Type.Result);
    }

    private static WasiContext Context(JsonElement spec, string componentFile, ScratchDirectory scratch, CapturedOutput stdout, CapturedOutput stderr)
    {
        var args = new List<string> { componentFile };
        var env = new Dictionary<string, string>();
        var preopens = new List<WasiPreopen>();
        if (spec.TryGetProperty("wasi", out var wasi))
        {
            if (wasi.TryGetProperty("args", out var a)) args = a.EnumerateArray().Select(x => x.GetString()!).ToList();
            if (wasi.TryGetProperty("env", out var e))
                foreach (var p in e.EnumerateObject()) env[p.Name] = p.Value.GetString()!;
            if (wasi.TryGetProperty("preopens", out var pre))
            {
                var n = 0;
                foreach (var p in pre.EnumerateArray())
                {
                    var dir = scratch.File($"preopen{n++}");
                    Directory.CreateDirectory(dir);
                    foreach (var f in p.GetProperty("files").EnumerateObject()) scratch.File(Path.Combine(Path.GetFileName(dir), f.Name), f.Value.GetString());
                    preopens.Add(new WasiPreopen(dir, p.GetProperty("guest").GetString()!, ReadOnly: true));
                }
            }
        }
        return new WasiContext { Args = args, Environment = env, Preopens = preopens, Stdout = stdout, Stderr = stderr };
    }
}

/// <summary>An output stream that accepts a few bytes at a time and is only ready every other time it is asked.</summary>
internal sealed class TrickleOutputStream(int permit) : OutputStream
{
    private readonly MemoryStream _data = new();
    private bool _ready;

    public bool Disposed { get; private set; }

    public string Text => System.Text.Encoding.UTF8.GetString(_data.ToArray());

    public override long CheckWrite() => permit;

    public override void Write(ReadOnlySpan<byte> bytes)
    {
        Assert.True(bytes.Length <= permit, $"the guest wrote {bytes.Length} bytes, more than the {permit} it was permitted");
        _data.Write(bytes);
    }

    public override Pollable Subscribe()
    {
        _ready = !_ready;
        return _ready ? new ReadyPollable() : new TaskPollable(Task.Delay(5));
    }

    public override void Dispose()
    {
        Disposed = true;
        base.Dispose();
    }
}
