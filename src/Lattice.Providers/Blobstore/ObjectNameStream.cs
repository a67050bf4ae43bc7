using Lattice.Actors.Providers;
using Lattice.Wasm;
using static Lattice.Providers.Blobstore.BlobProtocol;

namespace Lattice.Providers.Blobstore;

/// <summary>The object behind a <c>container</c> handle: its name, and the channel of the blobstore link it was opened through.</summary>
internal sealed record BlobContainer(string Name, IProviderChannel Channel);

/// <summary>
/// The object behind a <c>stream-object-names</c> handle: a container's names in pages fetched as
/// the guest reads (names after the last one seen, so objects added or removed meanwhile never
/// make the listing repeat or skip one that stayed).
/// </summary>
internal sealed class ObjectNameStream(BlobContainer container)
{
    /// <summary>The most names one read returns, whatever the guest asks for.</summary>
    public const int MaxPerRead = 64 * 1024;

    private readonly Queue<string> _ready = new();
    private string _after = "";
    private bool _more = true;

    /// <summary>Fetches the next page; the error text if the provider refused.</summary>
    public string? Fetch(HostCall call)
    {
        var result = container.Channel.Send(call, new ProviderRequest(ListObjects, [container.Name, _after]));
        if (result.Error is { } error) return error;
        var items = result.Items ?? [];
        foreach (var name in items) _ready.Enqueue(name);
        if (items.Length > 0) _after = items[^1];
        _more = result.Found && items.Length > 0;
        return null;
    }

    /// <summary>Up to <paramref name="count"/> names and whether the listing has ended, or an error text.</summary>
    public (List<string> Names, bool End, string? Error) Read(HostCall call, ulong count)
    {
        var names = new List<string>();
        var limit = (int)Math.Min(count, MaxPerRead);
        while (names.Count < limit)
        {
            if (_ready.Count == 0)
            {
                if (!_more) break;
                if (Fetch(call) is { } error) return (names, false, error);
                continue;
            }
            names.Add(_ready.Dequeue());
        }
        return (names, _ready.Count == 0 && !_more, null);
    }

    /// <summary>Skips up to <paramref name="count"/> names; how many and whether the listing has ended, or an error text.</summary>
    public (ulong Skipped, bool End, string? Error) Skip(HostCall call, ulong count)
    {
        ulong skipped = 0;
        while (skipped < count)
        {
            if (_ready.Count == 0)
            {
                if (!_more) break;
                if (Fetch(call) is { } error) return (skipped, false, error);
                continue;
            }
            _ready.Dequeue();
            skipped++;
        }
        return (skipped, _ready.Count == 0 && !_more, null);
    }
}
