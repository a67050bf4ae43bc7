// Write sessions of the filesystem blobstore: an object arrives as chunks at increasing offsets
// into a temporary file and replaces the object only on commit (a rename), so readers never see
// half an object and an abandoned upload leaves nothing behind.
//
// Sessions live only in this provider instance. A session the caller never finishes (its instance
// died, its host left) is dropped after IdleLimit, or when MaxOpen newer ones push it out; leftover
// temporary files from an earlier run are deleted at start.
namespace Lattice.Providers.Blobstore;

internal sealed class Uploads : IDisposable
{
    public const int MaxOpen = 64;
    public static readonly TimeSpan IdleLimit = TimeSpan.FromMinutes(10);

    private readonly string _directory;
    private readonly Dictionary<string, Upload> _open = [];

    private sealed class Upload(string container, string obj, string tempPath, FileStream file)
    {
        public string Container { get; } = container;
        public string Object { get; } = obj;
        public string TempPath { get; } = tempPath;
        public FileStream File { get; } = file;
        public ulong Length { get; set; }
        public DateTime LastUsed { get; set; } = DateTime.UtcNow;
    }

    public Uploads(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
        foreach (var stale in Directory.EnumerateFiles(directory)) File.Delete(stale);
    }

    public int Count => _open.Count;

    public string Begin(string container, string obj)
    {
        var now = DateTime.UtcNow;
        foreach (var idle in _open.Where(kv => now - kv.Value.LastUsed > IdleLimit).Select(kv => kv.Key).ToList()) Abort(idle);
        if (_open.Count >= MaxOpen) Abort(_open.MinBy(kv => kv.Value.LastUsed).Key);
        var id = Guid.NewGuid().ToString("N");
        var temp = Path.Combine(_directory, id);
        var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        _open[id] = new Upload(container, obj, temp, file);
        return id;
    }

    public void Append(string id, ulong offset, ReadOnlySpan<byte> chunk)
    {
        var upload = Get(id);
        if (chunk.Length > BlobProtocol.ChunkSize)
            throw new BlobException($"a chunk may hold at most {BlobProtocol.ChunkSize} bytes, got {chunk.Length}");
        if (offset != upload.Length)
            throw new BlobException($"chunk at offset {offset}, but the upload of {BlobPaths.Show(upload.Object)} has {upload.Length} bytes so far");
        upload.File.Write(chunk);
        upload.Length += (ulong)chunk.Length;
        upload.LastUsed = DateTime.UtcNow;
    }

    /// <summary>Closes a complete upload and hands over its temporary file, which the caller moves into place (or deletes).</summary>
    public (string Container, string Object, string TempPath) Complete(string id, ulong totalLength)
    {
        var upload = Get(id);
        if (totalLength != upload.Length)
        {
            Abort(id);
            throw new BlobException($"the upload of {BlobPaths.Show(upload.Object)} ended with {upload.Length} bytes, but the writer sent {totalLength}");
        }
        _open.Remove(id);
        upload.File.Flush(flushToDisk: true);
        upload.File.Dispose();
        return (upload.Container, upload.Object, upload.TempPath);
    }

    public void Abort(string id)
    {
        if (!_open.Remove(id, out var upload)) return;
        upload.File.Dispose();
        File.Delete(upload.TempPath);
    }

    private Upload Get(string id) => _open.TryGetValue(id, out var upload)
        ? upload
        : throw new BlobException("no such upload (it was finished, aborted, idle too long, or the provider restarted)");

    public void Dispose()
    {
        foreach (var id in _open.Keys.ToList())
        {
            try { Abort(id); } catch (IOException) { /* best effort on shutdown */ }
        }
    }
}
