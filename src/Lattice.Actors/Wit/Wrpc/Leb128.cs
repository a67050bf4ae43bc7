// LEB128 as wRPC uses it: unsigned for u16..u64, lengths and discriminants; signed (SLEB128, not
// zigzag) for s16..s64. Reading is strict so that every accepted encoding is the one our encoder
// writes: at most ceil(bits/7) bytes, no value bits beyond the width, and no redundant trailing
// byte (`80 00` for 0, `ff 7f` for -1). Readers report "need more" when the span ends mid-number;
// a prefix of a valid number is therefore never an error.
namespace Lattice.Wit.Wrpc;

internal enum LebStatus : byte { Ok, NeedMore, Overflow, TooLong, Overlong }

internal static class Leb128
{
    public const int MaxBytes = 10;

    public static int WriteUnsigned(Span<byte> dest, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            dest[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        dest[i++] = (byte)value;
        return i;
    }

    public static int WriteSigned(Span<byte> dest, long value)
    {
        var i = 0;
        while (true)
        {
            var b = (byte)(value & 0x7f);
            value >>= 7;
            if ((value == 0 && (b & 0x40) == 0) || (value == -1 && (b & 0x40) != 0))
            {
                dest[i++] = b;
                return i;
            }
            dest[i++] = (byte)(b | 0x80);
        }
    }

    /// <summary>
    /// Reads an unsigned number of <paramref name="bits"/> bits. <paramref name="length"/> is the bytes
    /// it took (Ok), the length the span must have to get further (NeedMore), or the index of the
    /// offending byte + 1 (errors).
    /// </summary>
    public static LebStatus ReadUnsigned(ReadOnlySpan<byte> s, int bits, out ulong value, out int length)
    {
        var maxBytes = (bits + 6) / 7;
        ulong result = 0;
        for (var i = 0; i < maxBytes; i++)
        {
            length = i + 1;
            value = 0;
            if (i >= s.Length) return LebStatus.NeedMore;
            var b = s[i];
            if (i == maxBytes - 1)
            {
                if ((b & 0x80) != 0) return LebStatus.TooLong;
                if (b >> (bits - 7 * i) != 0) return LebStatus.Overflow;
            }
            result |= (ulong)(b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (b == 0 && i > 0) return LebStatus.Overlong;
                value = result;
                return LebStatus.Ok;
            }
        }
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Reads a signed number of <paramref name="bits"/> bits; <paramref name="length"/> as in <see cref="ReadUnsigned"/>.</summary>
    public static LebStatus ReadSigned(ReadOnlySpan<byte> s, int bits, out long value, out int length)
    {
        var maxBytes = (bits + 6) / 7;
        long result = 0;
        var shift = 0;
        for (var i = 0; i < maxBytes; i++)
        {
            length = i + 1;
            value = 0;
            if (i >= s.Length) return LebStatus.NeedMore;
            var b = s[i];
            if (i == maxBytes - 1)
            {
                if ((b & 0x80) != 0) return LebStatus.TooLong;
                // The last byte holds the top `valueBits` bits; the rest of it must repeat the sign bit.
                var valueBits = bits - 7 * i;
                var high = (b & 0x7f) >> (valueBits - 1);
                if (high != 0 && high != 0x7f >> (valueBits - 1)) return LebStatus.Overflow;
            }
            result |= (long)(b & 0x7f) << shift;
            shift += 7;
            if ((b & 0x80) == 0)
            {
                if (i > 0)
                {
                    var previousSign = (s[i - 1] & 0x40) != 0;
                    if ((b == 0 && !previousSign) || (b == 0x7f && previousSign)) return LebStatus.Overlong;
                }
                if (shift < 64 && (b & 0x40) != 0) result |= -1L << shift;
                value = result;
                return LebStatus.Ok;
            }
        }
        throw new InvalidOperationException("unreachable");
    }
}
