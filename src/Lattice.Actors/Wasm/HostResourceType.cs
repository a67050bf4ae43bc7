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

    public override string ToString() => Name;
}
