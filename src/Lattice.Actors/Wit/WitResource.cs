using Lattice.Wasm;

namespace Lattice.Wit;

/// <summary>
/// A resource handle: <c>own&lt;R&gt;</c> or <c>borrow&lt;R&gt;</c>.
///
/// Host resources (defined from C#, see <see cref="HostResourceType"/>) are a pair of trusted 32-bit
/// numbers, the type id and a "rep" that indexes the store's <see cref="ResourceTable"/>; the guest
/// cannot forge either. Guest resources (exported by a component) are opaque Wasmtime handles that
/// belong to one store: pass them back into calls on that store, or <see cref="Drop"/> them.
/// </summary>
public sealed class WitResource : WitValue
{
    private WitResource(bool owned, uint hostType, uint rep, GuestResource? guest)
        : base(owned ? WitKind.Own : WitKind.Borrow)
    {
        HostType = hostType;
        Rep = rep;
        Guest = guest;
    }

    public bool Owned => Kind == WitKind.Own;

    /// <summary>The host resource type id; 0 for a guest resource.</summary>
    public uint HostType { get; }

    /// <summary>The host resource's representation (its index in the store's resource table).</summary>
    public uint Rep { get; }

    public bool IsHost => Guest is null;

    internal GuestResource? Guest { get; }

    public static WitResource Host(HostResourceType type, uint rep, bool owned) => new(owned, type.Id, rep, null);

    internal static WitResource Host(uint type, uint rep, bool owned) => new(owned, type, rep, null);

    internal static WitResource FromGuest(GuestResource guest, bool owned) => new(owned, 0, 0, guest);

    /// <summary>The same resource, passed as a borrow.</summary>
    public WitResource AsBorrow() => Kind == WitKind.Borrow ? this : new WitResource(false, HostType, Rep, Guest);

    /// <summary>Drops an owned guest resource (runs its destructor in the guest).</summary>
    public void Drop(ComponentStore store)
    {
        if (Guest is null) throw new InvalidOperationException("host resources are dropped by their owner, not through the handle");
        Guest.Drop(store);
    }

    public override string ToString() => IsHost ? $"{(Owned ? "own" : "borrow")}<host#{HostType}:{Rep}>" : $"{(Owned ? "own" : "borrow")}<guest>";
}
