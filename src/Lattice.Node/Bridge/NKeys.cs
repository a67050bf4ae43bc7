// wasmCloud host ids are NATS nkeys of the "server" kind: base32 (RFC 4648, no padding) of a prefix
// byte, the 32-byte Ed25519 public key and a CRC-16 (XMODEM, little-endian) of both, 56 characters
// starting with 'N'. The host never signs anything with it over the control interface, so random
// key bytes make a well-formed id; `wash` and wadm check only the shape and the prefix.
using System.Security.Cryptography;

namespace Lattice.Node.Bridge;

internal static class NKeys
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const byte ServerPrefix = 13 << 3; // 'N'

    public static string NewServerPublicKey()
    {
        Span<byte> raw = stackalloc byte[35];
        raw[0] = ServerPrefix;
        RandomNumberGenerator.Fill(raw.Slice(1, 32));
        var crc = Crc16(raw[..33]);
        raw[33] = (byte)crc;
        raw[34] = (byte)(crc >> 8);
        return Base32(raw);
    }

    /// <summary>True for a well-formed server public key (prefix, length, checksum).</summary>
    public static bool IsServerPublicKey(string key)
    {
        if (key.Length != 56 || key[0] != 'N') return false;
        var raw = FromBase32(key);
        if (raw is null || raw.Length != 35 || raw[0] != ServerPrefix) return false;
        return Crc16(raw.AsSpan(0, 33)) == (raw[33] | raw[34] << 8);
    }

    private static ushort Crc16(ReadOnlySpan<byte> data)
    {
        ushort crc = 0;
        foreach (var b in data)
        {
            crc ^= (ushort)(b << 8);
            for (var i = 0; i < 8; i++) crc = (crc & 0x8000) != 0 ? (ushort)(crc << 1 ^ 0x1021) : (ushort)(crc << 1);
        }
        return crc;
    }

    private static string Base32(ReadOnlySpan<byte> data)
    {
        var chars = new char[(data.Length * 8 + 4) / 5];
        int buffer = 0, bits = 0, n = 0;
        foreach (var b in data)
        {
            buffer = buffer << 8 | b;
            bits += 8;
            while (bits >= 5)
            {
                chars[n++] = Alphabet[buffer >> (bits - 5) & 31];
                bits -= 5;
            }
        }
        if (bits > 0) chars[n++] = Alphabet[buffer << (5 - bits) & 31];
        return new string(chars, 0, n);
    }

    private static byte[]? FromBase32(string text)
    {
        var bytes = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in text)
        {
            var v = Alphabet.IndexOf(c);
            if (v < 0) return null;
            buffer = buffer << 5 | v;
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. bytes];
    }
}
