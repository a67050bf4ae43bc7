// The filesystem backend of the `blobstore-fs` provider: containers are directories under
// `<host data directory>/blobstore/<provider id>/`, objects are the files in them.
//
// It answers the small requests of BlobProtocol one at a time (its ProviderActor's thread). Every
// name goes through BlobPaths before it touches the disk. Reads are ranges of at most one chunk,
// each checked against the version stamp the first read returned (size and last write time), so a
// reader notices an object replaced under it instead of mixing two versions. Failures are answers
// with an error text (the interface's `error` string), never exceptions out of Handle.
using System.Globalization;
using Lattice.Actors.Providers;
using Microsoft.Win32.SafeHandles;
using static Lattice.Providers.Blobstore.BlobProtocol;

namespace Lattice.Providers.Blobstore;

internal sealed class FileBlobstore : IProviderBackend
{
    private readonly BlobPaths _paths;
    private readonly Uploads _uploads;

    public FileBlobstore(ProviderContext context)
    {
        if (BlobPaths.Problem(context.ProviderId, "provider id") is { } problem)
            throw new ArgumentException(problem + " (the blobstore keeps its data in a directory named after it)");
        _paths = new BlobPaths(Path.Combine(context.Host.DataDirectory, "blobstore", context.ProviderId));
        Directory.CreateDirectory(_paths.Root);
        _uploads = new Uploads(Path.Combine(context.Host.DataDirectory, "blobstore-uploads", context.ProviderId));
    }

    /// <summary>The directory that holds the containers.</summary>
    public string Root => _paths.Root;

    public ProviderResult Handle(ProviderRequest request, ProviderLink link)
    {
        try
        {
            return request.Operation switch
            {
                CreateContainer => CreateContainerAt(Arg(request, 0)),
                GetContainer => new ProviderResult(Number: CreatedAt(ExistingContainer(Arg(request, 0)))),
                DeleteContainer => Done(() => Directory.Delete(ExistingContainer(Arg(request, 0)), recursive: true)),
                ContainerExists => new ProviderResult(Found: Directory.Exists(_paths.Container(Arg(request, 0)))),
                Clear => Done(() => ClearContainer(ExistingContainer(Arg(request, 0)))),
                ListObjects => List(ExistingContainer(Arg(request, 0)), Arg(request, 1)),
                HasObject => new ProviderResult(Found: File.Exists(_paths.Object(ExistingContainer(Arg(request, 0)), Arg(request, 1)))),
                ObjectInfo => Info(Arg(request, 0), Arg(request, 1)),
                DeleteObjects => Done(() => Delete(request)),
                CopyObject => Done(() => Transfer(request, move: false)),
                MoveObject => Done(() => Transfer(request, move: true)),
                Read => ReadRange(request),
                WriteBegin => Begin(Arg(request, 0), Arg(request, 1)),
                WriteChunk => Done(() => _uploads.Append(Arg(request, 0), request.Number, request.Payload ?? [])),
                WriteCommit => Done(() => Commit(Arg(request, 0), request.Number)),
                WriteAbort => Done(() => _uploads.Abort(Arg(request, 0))),
                _ => ProviderResult.Fail($"unknown blobstore operation '{request.Operation}'"),
            };
        }
        catch (BlobException e) { return ProviderResult.Fail(e.Message); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ProviderResult.Fail($"{request.Operation} failed: {e.Message.Replace(_paths.Root, "<root>", StringComparison.Ordinal)}");
        }
    }

    private static string Arg(ProviderRequest request, int index) =>
        index < request.Args.Length ? request.Args[index] : throw new BlobException($"malformed {request.Operation} request: argument {index + 1} is missing");

    private static ProviderResult Done(Action action)
    {
        action();
        return ProviderResult.Done;
    }

    private ProviderResult CreateContainerAt(string name)
    {
        var path = _paths.Container(name);
        if (File.Exists(path)) throw new BlobException($"{BlobPaths.Show(name)} exists and is not a container");
        Directory.CreateDirectory(path); // creating an existing container returns it, as wasmCloud's hosts do
        return new ProviderResult(Number: CreatedAt(path));
    }

    private string ExistingContainer(string name)
    {
        var path = _paths.Container(name);
        return Directory.Exists(path) ? path : throw new BlobException($"container {BlobPaths.Show(name)} does not exist");
    }

    private string ExistingObject(string container, string name)
    {
        var path = _paths.Object(ExistingContainer(container), name);
        return File.Exists(path) ? path : throw new BlobException($"object {BlobPaths.Show(name)} does not exist in container {BlobPaths.Show(container)}");
    }

    private static ulong CreatedAt(string path) =>
        (ulong)Math.Max(0, new DateTimeOffset(Directory.GetCreationTimeUtc(path)).ToUnixTimeSeconds());

    private static void ClearContainer(string container)
    {
        foreach (var file in Directory.EnumerateFiles(container)) File.Delete(file);
    }

    /// <summary>One page of names after <paramref name="after"/>, in ordinal order, bounded in count and size.</summary>
    private static ProviderResult List(string container, string after)
    {
        var names = Directory.EnumerateFiles(container).Select(Path.GetFileName).OfType<string>()
            .Where(n => string.CompareOrdinal(n, after) > 0)
            .Order(StringComparer.Ordinal);
        var page = new List<string>();
        var chars = 0;
        var more = false;
        foreach (var name in names)
        {
            if (page.Count == PageNames || chars + name.Length > PageBytes) { more = true; break; }
            page.Add(name);
            chars += name.Length;
        }
        return new ProviderResult(Items: [.. page], Found: more);
    }

    private ProviderResult Info(string container, string name)
    {
        var path = ExistingObject(container, name);
        return new ProviderResult(Number: (ulong)new FileInfo(path).Length, Items: [CreatedAt(path).ToString(CultureInfo.InvariantCulture)]);
    }

    private void Delete(ProviderRequest request)
    {
        var container = ExistingContainer(Arg(request, 0));
        // Check every name first, so a bad one deletes nothing.
        var paths = request.Args.Skip(1).Select(name => _paths.Object(container, name)).ToList();
        foreach (var path in paths) File.Delete(path); // a missing object is not an error
    }

    private void Transfer(ProviderRequest request, bool move)
    {
        var source = ExistingObject(Arg(request, 0), Arg(request, 1));
        var target = _paths.Object(ExistingContainer(Arg(request, 2)), Arg(request, 3));
        if (source == target) return;
        if (move) File.Move(source, target, overwrite: true);
        else File.Copy(source, target, overwrite: true);
    }

    private ProviderResult ReadRange(ProviderRequest request)
    {
        if (!int.TryParse(Arg(request, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            throw new BlobException($"malformed read request: length '{Arg(request, 2)}'");
        var expected = Arg(request, 3);
        var path = ExistingObject(Arg(request, 0), Arg(request, 1));
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var size = RandomAccess.GetLength(handle);
        var stamp = Stamp(handle, size);
        if (expected.Length > 0 && expected != stamp)
            throw new BlobException($"object {BlobPaths.Show(Arg(request, 1))} changed while it was being read");
        var offset = request.Number;
        var count = offset >= (ulong)size ? 0 : (int)Math.Min((ulong)Math.Min(length, ChunkSize), (ulong)size - offset);
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = RandomAccess.Read(handle, buffer.AsSpan(read), (long)offset + read);
            if (n == 0) break;
            read += n;
        }
        return new ProviderResult(Payload: read == count ? buffer : buffer[..read], Number: (ulong)size, Items: [stamp]);
    }

    private static string Stamp(SafeFileHandle handle, long size) =>
        $"{size}:{File.GetLastWriteTimeUtc(handle).Ticks}";

    private ProviderResult Begin(string container, string name)
    {
        _paths.Object(ExistingContainer(container), name); // refuses bad names before any byte is sent
        return new ProviderResult(Items: [_uploads.Begin(container, name)]);
    }

    private void Commit(string session, ulong totalLength)
    {
        var (container, name, temp) = _uploads.Complete(session, totalLength);
        try
        {
            File.Move(temp, _paths.Object(ExistingContainer(container), name), overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public void Dispose() => _uploads.Dispose();
}
