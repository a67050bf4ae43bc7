// A resource handle as it travels over wRPC: opaque bytes (LEB128 length + bytes on the wire).
//
// wasmCloud's dynamic runtime names the resources a component exports by a 16-byte UUIDv7 in the
// uuid crate's `to_bytes_le` layout (the same layout as Guid.ToByteArray) and echoes handles it
// received from peers back verbatim, so this class only carries bytes; mapping them to live
// resources is the caller's business (see WrpcOptions.ExportResource for the encoding side).
namespace Lattice.Wit.Wrpc;

public sealed class WrpcHandle : WitValue
{
    public WrpcHandle(ReadOnlyMemory<byte> bytes, bool owned = true) : base(owned ? WitKind.Own : WitKind.Borrow) => Value = bytes;

    /// <summary>The handle bytes as they travel (without the length prefix).</summary>
    public ReadOnlyMemory<byte> Value { get; }

    public bool Owned => Kind == WitKind.Own;

    /// <summary>A fresh handle as wasmCloud hands out for a component's own resources: a UUIDv7.</summary>
    public static WrpcHandle NewShared(bool owned = true) => FromGuid(Guid.CreateVersion7(), owned);

    public static WrpcHandle FromGuid(Guid id, bool owned = true) => new(id.ToByteArray(), owned);

    /// <summary>The handle as a UUID when it is one (exactly 16 bytes).</summary>
    public bool TryGetGuid(out Guid id)
    {
        if (Value.Length == 16)
        {
            id = new Guid(Value.Span);
            return true;
        }
        id = default;
        return false;
    }

    public override string ToString() => $"{(Owned ? "own" : "borrow")}<wrpc:{Convert.ToHexStringLower(Value.Span)}>";
}
