using System.Text;

namespace Lattice.Wasi;

/// <summary>A directory the guest may see, at <see cref="GuestPath"/>, backed by <see cref="HostPath"/>.</summary>
public sealed record WasiPreopen(string HostPath, string GuestPath, bool ReadOnly = true);

/// <summary>Where a guest's stdout or stderr goes.</summary>
public interface IWasiOutput
{
    void Write(ReadOnlySpan<byte> bytes);
}

/// <summary>Keeps everything written, for tests and for `lattice call` (which prints only the result).</summary>
public sealed class CapturedOutput : IWasiOutput
{
    private readonly MemoryStream _buffer = new();
    private readonly object _gate = new();

    public void Write(ReadOnlySpan<byte> bytes) { lock (_gate) _buffer.Write(bytes); }

    public byte[] ToArray() { lock (_gate) return _buffer.ToArray(); }

    public string Text => Encoding.UTF8.GetString(ToArray());
}

/// <summary>Passes output straight to a stream (e.g. the process's own stdout for `lattice run`).</summary>
public sealed class StreamOutput(Stream stream) : IWasiOutput
{
    public void Write(ReadOnlySpan<byte> bytes)
    {
        stream.Write(bytes);
        stream.Flush();
    }
}

/// <summary>Splits output into lines and hands each to a logger (with the component id in its scope).</summary>
public sealed class LineOutput(Action<string> writeLine) : IWasiOutput, IDisposable
{
    private readonly List<byte> _pending = [];

    public void Write(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b == (byte)'\n') Flush();
            else _pending.Add(b);
        }
    }

    private void Flush()
    {
        writeLine(Encoding.UTF8.GetString(_pending.ToArray()));
        _pending.Clear();
    }

    public void Dispose()
    {
        if (_pending.Count > 0) Flush();
    }
}

/// <summary>
/// What one instance's WASI sees: arguments, environment, granted directories, and where its output
/// goes. Nothing is granted by default: no preopens, empty environment, empty stdin.
/// Attach it to a store with <c>store.SetFeature(context)</c> before instantiating.
/// </summary>
public sealed class WasiContext
{
    public IReadOnlyList<string> Args { get; init; } = [];

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<WasiPreopen> Preopens { get; init; } = [];

    public string? InitialCwd { get; init; }

    public IWasiOutput Stdout { get; init; } = new CapturedOutput();

    public IWasiOutput Stderr { get; init; } = new CapturedOutput();
}
