// wasi:keyvalue names are any strings; NATS KV keys may hold only [-/_=.A-Za-z0-9] (with no empty
// token between dots) and bucket names only [-_A-Za-z0-9]. Names that already fit stay as they are,
// so data written by wasmCloud's keyvalue-nats reads the same; every other byte of the UTF-8 form
// is escaped as the escape character plus two hex digits, which makes the mapping reversible:
//   keys:    '=' escapes ("a b" → "a=20b", "x=1" → "x=3D1", ".a" → "=2Ea", "" → "=")
//   buckets: '_' escapes ("my.cache" → "my_2Ecache", "a_b" → "a_5Fb")
using System.Text;

namespace Lattice.Providers.KeyValue;

internal static class NatsNames
{
    public static string Key(string key)
    {
        if (key.Length == 0) return "=";
        var bytes = Encoding.UTF8.GetBytes(key);
        var text = new StringBuilder(bytes.Length);
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            // A dot separates tokens: it may not start or end the key, nor follow another dot.
            var dotOk = b == '.' && i > 0 && i < bytes.Length - 1 && bytes[i - 1] != '.' && bytes[i + 1] != '.';
            if (IsWord(b) || b is (byte)'-' or (byte)'/' || dotOk) text.Append((char)b);
            else text.Append('=').Append(b.ToString("X2"));
        }
        return text.ToString();
    }

    public static string KeyFromNats(string encoded) => encoded == "=" ? "" : Unescape(encoded, '=');

    public static string Bucket(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            if (IsWord(b) && b != '_' || b == '-') text.Append((char)b);
            else text.Append('_').Append(b.ToString("X2"));
        }
        return text.ToString();
    }

    private static bool IsWord(byte b) => b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'_';

    private static string Unescape(string encoded, char escape)
    {
        if (!encoded.Contains(escape)) return encoded;
        var bytes = new List<byte>(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] == escape && i + 2 < encoded.Length && byte.TryParse(encoded.AsSpan(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else bytes.Add((byte)encoded[i]);
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }
}
