using Lattice.Tests.Conformance;
using Lattice.Wasi;
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Tests.Wasi;

/// <summary>
/// Streams made by host code (as wasi:http will make body streams) used by a real guest. The corpus's
/// own WASI cases run in <see cref="CorpusConformance"/>.
/// </summary>
public sealed class WasiStreamsSpec
{
    /// <summary>
    /// api_reactor's <c>write-strings-to</c> takes an <c>own&lt;output-stream&gt;</c>: the host hands the
    /// guest a stream of its own making, which the guest writes through check-write, write, subscribe,
    /// block and flush, then drops. This is how wasi:http will hand out body streams.
    /// </summary>
    [SkippableFact]
    public void A_host_made_output_stream_can_be_passed_to_the_guest()
    {
        Skip.If(Corpus.Default is null, Corpus.MissingReason);
        using var store = new ComponentStore(WasiTestbed.Engine);
        var context = new WasiContext { Environment = new Dictionary<string, string> { ["GOOD_DOG"] = "gussie" } };
        var instance = WasiTestbed.Instantiate(Corpus.Default!.ComponentPath("api_reactor.component.wasm"), context, store);
        instance.GetFunction("", "add-strings").Call(WitValue.List([WitValue.String("hello "), WitValue.String("$GOOD_DOG")]));

        var stream = new TrickleOutputStream(permit: 3);
        var handle = WasiStreams.Own(store.Resources, stream);
        var result = instance.GetFunction("", "write-strings-to").Call(handle);

        Assert.True(result is WitResult { IsOk: true }, WitJson.ToJson(result, null));
        Assert.Equal("hello gussie", stream.Text);
        Assert.True(stream.Disposed, "the guest dropped its own<output-stream>, so the host object is released");
        Assert.Equal(0, store.Resources.Count);
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
