// What every key-value backend shares: the request protocol between the WIT binding and the
// backend. A ProviderRequest names the operation and carries [bucket, key...] in Args, a value (or
// several, framed by KeyValueFrames) in Payload and a delta or cursor in Number. This class checks
// the request's shape, hands the typed call to the backend's bucket, and turns every failure into
// an error result (never an exception out of Handle), so a component sees its `error` variant.
using Lattice.Actors.Providers;

namespace Lattice.Providers.KeyValue;

internal abstract class KeyValueBackend : IProviderBackend
{
    /// <summary>How many keys one list-keys page holds at most (Redis: a hint to HSCAN).</summary>
    public const int PageSize = 1000;

    public ProviderResult Handle(ProviderRequest request, ProviderLink link)
    {
        if (request.Args is not [var name, ..] || string.IsNullOrEmpty(name))
            return ProviderResult.Fail($"key-value {request.Operation}: the request names no bucket");
        var keys = request.Args.AsSpan(1);
        try
        {
            switch (request.Operation)
            {
                case "get" when keys.Length == 1:
                {
                    var value = Open(link, name).Get(keys[0]);
                    return new ProviderResult(Payload: value, Found: value is not null);
                }
                case "set" when keys.Length == 1:
                    Open(link, name).Set(keys[0], request.Payload ?? []);
                    return ProviderResult.Done;
                case "delete" when keys.Length == 1:
                    Open(link, name).Delete(keys[0]);
                    return ProviderResult.Done;
                case "exists" when keys.Length == 1:
                    return new ProviderResult(Found: Open(link, name).Exists(keys[0]));
                case "list-keys" when keys.Length == 0:
                {
                    var page = Open(link, name).ListKeys(request.Number);
                    return new ProviderResult(Items: [.. page.Keys], Number: page.Next ?? 0, Found: page.Next is not null);
                }
                case "increment" when keys.Length == 1:
                    return new ProviderResult(Number: Open(link, name).Increment(keys[0], request.Number));
                case "get-many":
                    return new ProviderResult(Payload: KeyValueFrames.Pack(Open(link, name).GetMany(keys.ToArray())));
                case "set-many":
                {
                    var values = KeyValueFrames.Unpack(request.Payload ?? [], keys.Length);
                    var pairs = new List<KeyValuePair<string, byte[]>>(keys.Length);
                    for (var i = 0; i < keys.Length; i++)
                        pairs.Add(new(keys[i], values[i] ?? throw new KeyValueException($"set-many: no value for '{keys[i]}'")));
                    Open(link, name).SetMany(pairs);
                    return ProviderResult.Done;
                }
                case "delete-many":
                    Open(link, name).DeleteMany(keys.ToArray());
                    return ProviderResult.Done;
                case "get" or "set" or "delete" or "exists" or "list-keys" or "increment":
                    return ProviderResult.Fail($"key-value {request.Operation}: wrong number of keys ({keys.Length})");
                default:
                    return ProviderResult.Fail($"unknown key-value operation '{request.Operation}'");
            }
        }
        catch (KeyValueException e)
        {
            return e.NoSuchStore ? KeyValueErrors.NoSuchStore(e.Message) : ProviderResult.Fail(e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ProviderResult.Fail(Describe(e, link));
        }
    }

    /// <summary>The bucket <paramref name="name"/> as the backend reaches it for requests through <paramref name="link"/>.</summary>
    protected abstract IKeyValueBucket Open(ProviderLink link, string name);

    /// <summary>One line for a failure of the backend itself (connection, server error), naming where it was.</summary>
    protected abstract string Describe(Exception error, ProviderLink link);

    public abstract void Dispose();
}

/// <summary>One bucket of one backend: the operations of wasi:keyvalue store, atomics and batch.</summary>
internal interface IKeyValueBucket
{
    byte[]? Get(string key);
    void Set(string key, byte[] value);
    void Delete(string key);
    bool Exists(string key);

    /// <summary>One page of keys from <paramref name="cursor"/> (0 = the start); Next is null after the last page.</summary>
    KeyPage ListKeys(ulong cursor);

    /// <summary>Adds <paramref name="delta"/> to the ASCII decimal counter at <paramref name="key"/> (missing = 0).</summary>
    ulong Increment(string key, ulong delta);

    /// <summary>The values of <paramref name="keys"/>, in order, null where a key is missing.</summary>
    IReadOnlyList<byte[]?> GetMany(IReadOnlyList<string> keys);
    void SetMany(IReadOnlyList<KeyValuePair<string, byte[]>> pairs);
    void DeleteMany(IReadOnlyList<string> keys);
}

internal sealed record KeyPage(IReadOnlyList<string> Keys, ulong? Next);

/// <summary>A failure the backend explains itself (or a malformed batch payload); its message is what the component reads.</summary>
public sealed class KeyValueException(string message, bool noSuchStore = false) : Exception(message)
{
    public bool NoSuchStore { get; } = noSuchStore;
}

/// <summary>
/// How an error result says which case of wasi:keyvalue's `error` it is. ProviderResult has only a
/// text, so the `no-such-store` case rides in Items beside it; everything else is `other(text)`.
/// Public for answers made outside this assembly (the NATS bridge, from a wasmCloud provider's error).
/// </summary>
public static class KeyValueErrors
{
    private const string NoSuchStoreTag = "no-such-store";

    public static ProviderResult NoSuchStore(string detail) => new(Error: detail, Items: [NoSuchStoreTag]);

    public static bool IsNoSuchStore(ProviderResult result) => result.Items is [NoSuchStoreTag];

    /// <summary>Parses an ASCII decimal counter; anything else is an error naming the key.</summary>
    internal static ulong Counter(byte[] bytes, string key) =>
        bytes.Length is > 0 and <= 20 && Array.TrueForAll(bytes, b => b is >= (byte)'0' and <= (byte)'9')
        && ulong.TryParse(bytes, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new KeyValueException($"the value of '{key}' is not a counter (an unsigned decimal number)");

    internal static ulong Add(ulong current, ulong delta, string key) =>
        current > ulong.MaxValue - delta ? throw new KeyValueException($"incrementing '{key}' by {delta} overflows a u64") : current + delta;

    internal static byte[] Text(ulong n) => System.Text.Encoding.ASCII.GetBytes(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
