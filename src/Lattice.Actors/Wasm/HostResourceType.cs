namespace Lattice.Wasm;

/// <summary>
/// A resource type implemented by the host (e.g. <c>wasi:io/streams.output-stream</c>). Its id is the
/// trusted 32-bit "type" Wasmtime carries with every handle; ids are unique in the process, so
/// resources of different interfaces can never be confused even if a guest mixes up handles.
/// </summary>
public sealed class HostResourceType
{
    private static int s_next;

    public HostResourceType(string name, Action<ComponentStore, uint>? onDrop = null)
    {
        Name = name;
        Id = (uint)Interlocked.Increment(ref s_next);
        OnDrop = onDrop;
    }

    public uint Id { get; }

    public string Name { get; }

    /// <summary>Runs when the guest drops its last owned handle. By default the rep is removed from
    /// the store's resource table (and disposed if it is <see cref="IDisposable"/>).</summary>
    public Action<ComponentStore, uint>? OnDrop { get; }

    /// <summary>
    /// Set for a host resource a caller outside the instance may name by a string (a key-value bucket
    /// by its name): makes the object a handle of this type stands for, as the interface's own
    /// constructor would. An export taking such a handle can then be called with the name as JSON
    /// (wasmCloud's <c>wrpc:keyvalue/watcher</c> sends the bucket's name). Throws
    /// <see cref="ArgumentException"/> for a name it refuses; the caller gets that message.
    /// </summary>
    public Func<string, object>? FromName { get; init; }

    public override string ToString() => Name;
}
