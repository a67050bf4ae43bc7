using Lattice.Wasm.Native;

namespace Lattice.Wasm;

/// <summary>
/// A resource exported by a component and held by the host (Wasmtime's <c>ResourceAny</c>). It is only
/// meaningful in the store it came from; it is freed with the store if never dropped.
/// </summary>
internal sealed class GuestResource
{
    private IntPtr _handle;

    public GuestResource(IntPtr handle, ComponentStore store)
    {
        _handle = handle;
        Store = store;
        store.Track(this);
    }

    public ComponentStore Store { get; }

    public IntPtr CloneHandle() => _handle != IntPtr.Zero
        ? Api.wasmtime_component_resource_any_clone(_handle)
        : throw new ObjectDisposedException("resource handle was already released");

    public void Drop(ComponentStore store)
    {
        if (!ReferenceEquals(store, Store)) throw new InvalidOperationException("a guest resource can only be dropped in the store it came from");
        var err = Api.wasmtime_component_resource_any_drop(store.Context, _handle);
        if (err != IntPtr.Zero) throw new ComponentTrapException(TrapKind.Trap, NativeError.Take(err));
    }

    /// <summary>Frees the host-side handle memory (not the guest's resource).</summary>
    internal void Release()
    {
        if (_handle == IntPtr.Zero) return;
        Api.wasmtime_component_resource_any_delete(_handle);
        _handle = IntPtr.Zero;
    }
}
