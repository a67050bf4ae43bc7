using System.Text;

namespace Lattice.Node.Tests.Wrpc;

/// <summary>
/// A tiny wRPC value encoder written from the protocol spec §2.1, independent of the codec under
/// test: just what the spec-side tests send (LEB128, strings, byte lists, tags).
/// </summary>
public sealed class SpecBytes
{
    private readonly List<byte> _bytes = [];

    public static SpecBytes New() => new();

    public SpecBytes Byte(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public SpecBytes U(ulong value)
    {
        do
        {
            var b = (byte)(value & 0x7f);
            value >>= 7;
            _bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        } while (value != 0);
        return this;
    }

    public SpecBytes Str(string s)
    {
        var utf8 = Encoding.UTF8.GetBytes(s);
        return U((ulong)utf8.Length).Byte(utf8);
    }

    public SpecBytes Bytes(byte[] data) => U((ulong)data.Length).Byte(data);

    public byte[] ToArray() => [.. _bytes];

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    public static string ToHex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>Reads a LEB128 u32 at <paramref name="at"/>, moving past it.</summary>
    public static uint ReadU32(byte[] bytes, ref int at)
    {
        uint value = 0;
        var shift = 0;
        while (true)
        {
            var b = bytes[at++];
            value |= (uint)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
            shift += 7;
        }
    }

    /// <summary>A pending stream&lt;u8&gt;'s data as sent on its path (LEB128 count + bytes per chunk, then 00), concatenated.</summary>
    public static byte[] StreamBytes(byte[] wire)
    {
        var bytes = new List<byte>();
        var at = 0;
        while (true)
        {
            var n = (int)ReadU32(wire, ref at);
            if (n == 0) break;
            bytes.AddRange(wire.AsSpan(at, n).ToArray());
            at += n;
        }
        Assert.Equal(wire.Length, at); // nothing after the end marker
        return [.. bytes];
    }
}
