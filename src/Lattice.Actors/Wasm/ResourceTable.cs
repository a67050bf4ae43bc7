using Lattice.Wit;

namespace Lattice.Wasm;

/// <summary>
/// The objects behind host resource handles in one store. One table per store, shared by every host
/// interface (WASI, HTTP, providers), so a stream handed out by <c>wasi:http</c> is the same object
/// <c>wasi:io/streams</c> reads from. Reps start at 1 and are reused after removal.
/// </summary>
public sealed class ResourceTable
{
    private readonly List<Entry?> _entries = [null];
    private readonly Stack<uint> _free = new();

    private readonly record struct Entry(uint Type, object Value);

    public int Count { get; private set; }

    public uint Add(HostResourceType type, object value)
    {
        var entry = new Entry(type.Id, value);
        Count++;
        if (_free.TryPop(out var rep)) { _entries[(int)rep] = entry; return rep; }
        _entries.Add(entry);
        return (uint)(_entries.Count - 1);
    }

    /// <summary>Adds <paramref name="value"/> and returns an owned handle to it.</summary>
    public WitResource Own(HostResourceType type, object value) => WitResource.Host(type, Add(type, value), owned: true);

    public T Get<T>(HostResourceType type, uint rep) where T : class
    {
        if (rep < _entries.Count && _entries[(int)rep] is { } e && e.Type == type.Id && e.Value is T t) return t;
        throw new ResourceNotFoundException($"no {type.Name} resource with handle {rep}");
    }

    /// <summary>The object behind a handle argument of a host function.</summary>
    public T Get<T>(HostResourceType type, WitValue handle) where T : class
    {
        var r = handle.AsResource();
        if (!r.IsHost || r.HostType != type.Id) throw new ResourceNotFoundException($"handle is not a {type.Name}");
        return Get<T>(type, r.Rep);
    }

    public object? Remove(uint rep)
    {
        if (rep == 0 || rep >= _entries.Count || _entries[(int)rep] is not { } e) return null;
        _entries[(int)rep] = null;
        _free.Push(rep);
        Count--;
        return e.Value;
    }

    internal void DisposeAll()
    {
        foreach (var e in _entries) if (e?.Value is IDisposable d) { try { d.Dispose(); } catch { /* best effort on teardown */ } }
        _entries.Clear();
        _entries.Add(null);
        _free.Clear();
        Count = 0;
    }
}

public sealed class ResourceNotFoundException(string message) : Exception(message);
