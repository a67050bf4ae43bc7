// Several values in one ProviderRequest/ProviderResult payload (the batch operations). Each value is
// one frame: a presence byte (0 = missing, 1 = present), then for a present value its length as a
// 4-byte big-endian integer and its bytes. The keys travel in Args, in the same order.
// Public because it is the request protocol, not a backend detail: a host that answers key-value
// requests elsewhere (the NATS bridge, to a wasmCloud provider over wRPC) packs and unpacks it too.
using System.Buffers.Binary;

namespace Lattice.Providers.KeyValue;

public static class KeyValueFrames
{
    public static byte[] Pack(IReadOnlyList<byte[]?> values)
    {
        var size = 0L;
        foreach (var v in values) size += v is null ? 1 : 5 + v.Length;
        if (size > Array.MaxLength) throw new KeyValueException($"a batch of {values.Count} values is too large ({size} bytes)");
        var buffer = new byte[size];
        var at = 0;
        foreach (var v in values)
        {
            if (v is null) { buffer[at++] = 0; continue; }
            buffer[at] = 1;
            BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(at + 1), v.Length);
            v.CopyTo(buffer, at + 5);
            at += 5 + v.Length;
        }
        return buffer;
    }

    /// <summary>Exactly <paramref name="count"/> values; a payload of another shape is an error, not a crash.</summary>
    public static byte[]?[] Unpack(ReadOnlySpan<byte> payload, int count)
    {
        var values = new byte[]?[count];
        var at = 0;
        for (var i = 0; i < count; i++)
        {
            if (at >= payload.Length) throw Malformed(count);
            if (payload[at] == 0) { at++; continue; }
            if (payload[at] != 1 || at + 5 > payload.Length) throw Malformed(count);
            var length = BinaryPrimitives.ReadInt32BigEndian(payload[(at + 1)..]);
            if (length < 0 || length > payload.Length - at - 5) throw Malformed(count);
            values[i] = payload.Slice(at + 5, length).ToArray();
            at += 5 + length;
        }
        if (at != payload.Length) throw Malformed(count);
        return values;
    }

    private static KeyValueException Malformed(int count) => new($"malformed batch payload: expected {count} framed values");
}
