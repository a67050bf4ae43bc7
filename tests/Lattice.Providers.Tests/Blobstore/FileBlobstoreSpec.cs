using System.Text;
using Lattice.Actors.Providers;

namespace Lattice.Tests.Providers.Blobstore;

/// <summary>The blobstore-fs backend's requests, directly: names, uploads, ranged reads, listings.</summary>
public sealed class FileBlobstoreSpec : IDisposable
{
    private const int Chunk = 64 * 1024;
    private readonly BlobstoreBackend _store = new();

    public void Dispose() => _store.Dispose();

    private ProviderResult Ok(string operation, string[] args, byte[]? payload = null, ulong number = 0)
    {
        var result = _store.Send(operation, args, payload, number);
        Assert.True(result.Error is null, $"{operation} failed: {result.Error}");
        return result;
    }

    private string Fails(string operation, string[] args, byte[]? payload = null, ulong number = 0) =>
        _store.Send(operation, args, payload, number).Error ?? throw new Xunit.Sdk.XunitException($"{operation}({string.Join(", ", args)}) was allowed");

    private void Store(string container, string name, byte[] data)
    {
        var session = Ok("write-begin", [container, name]).Items![0];
        for (var at = 0; at < data.Length; at += Chunk)
            Ok("write-chunk", [session], data[at..Math.Min(data.Length, at + Chunk)], (ulong)at);
        Ok("write-commit", [session], number: (ulong)data.Length);
    }

    public static TheoryData<string> BadNames => ["", ".", "..", "../escape", "a/b", "a\\b", "/etc", "/", "x\0y", "..hidden", "a..b", new string('n', 256)];

    [Theory]
    [MemberData(nameof(BadNames))]
    public void Names_that_could_leave_the_root_are_rejected_everywhere(string bad)
    {
        Ok("create-container", ["c"]);
        Store("c", "o", [1, 2, 3]);
        var before = _store.Tree();

        Fails("create-container", [bad]);
        Fails("get-container", [bad]);
        Fails("delete-container", [bad]);
        Fails("write-begin", ["c", bad]);
        Fails("write-begin", [bad, "o"]);
        Fails("read", ["c", bad, "10", ""]);
        Fails("has-object", ["c", bad]);
        Fails("object-info", ["c", bad]);
        Fails("delete-objects", ["c", "o", bad]);
        Fails("copy-object", ["c", "o", "c", bad]);
        Fails("move-object", ["c", "o", bad, "o"]);

        Assert.Equal(before, _store.Tree());
        Assert.True(Ok("has-object", ["c", "o"]).Found, "a rejected delete-objects deletes none of its names");
    }

    [Fact]
    public void The_error_names_what_was_wrong()
    {
        Assert.Equal("container name '../escape' contains a path separator", Fails("create-container", ["../escape"]));
        Assert.Equal("container name '..' is not allowed (no '.', no '..')", Fails("create-container", [".."]));
        Ok("create-container", ["c0"]);
        Assert.Equal("object name 'x\\u0000y' contains a NUL character", Fails("write-begin", ["c0", "x\0y"]));
        Assert.Equal("container 'nope' does not exist", Fails("get-container", ["nope"]));
    }

    [Fact]
    public void A_provider_id_that_is_not_one_path_segment_cannot_open_a_backend()
    {
        var e = Assert.Throws<ArgumentException>(() => _store.Open(".."));
        Assert.Equal("provider id '..' is not allowed (no '.', no '..') (the blobstore keeps its data in a directory named after it)", e.Message);
        Assert.Throws<ArgumentException>(() => _store.Open("a\\b"));
    }

    [Fact]
    public void A_symbolic_link_planted_in_the_root_is_not_followed()
    {
        var outside = Directory.CreateTempSubdirectory("lattice-outside-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(outside, "secret"), "do not read");
            Directory.CreateSymbolicLink(Path.Combine(_store.Root, "linked"), outside);
            Ok("create-container", ["c"]);
            File.CreateSymbolicLink(Path.Combine(_store.Root, "c", "passwd"), Path.Combine(outside, "secret"));

            Assert.Contains("symbolic link", Fails("get-container", ["linked"]));
            Assert.Contains("symbolic link", Fails("read", ["linked", "secret", "10", ""]));
            Assert.Contains("symbolic link", Fails("read", ["c", "passwd", "10", ""]));
            Assert.Contains("symbolic link", Fails("write-begin", ["c", "passwd"]));
            Assert.Equal("do not read", File.ReadAllText(Path.Combine(outside, "secret")));
        }
        finally { Directory.Delete(outside, recursive: true); }
    }

    [Fact]
    public void Containers_are_directories_and_creating_one_twice_returns_it()
    {
        var first = Ok("create-container", ["photos"]);
        Assert.True(Directory.Exists(Path.Combine(_store.Root, "photos")));
        Assert.Equal(first.Number, Ok("create-container", ["photos"]).Number);
        Assert.Equal(first.Number, Ok("get-container", ["photos"]).Number);
        Assert.True(first.Number > 1_600_000_000, "created-at is in seconds since the Unix epoch");
        Assert.True(Ok("container-exists", ["photos"]).Found);

        Store("photos", "a.jpg", [1]);
        Ok("clear", ["photos"]);
        Assert.Empty(Ok("list-objects", ["photos", ""]).Items!);
        Ok("delete-container", ["photos"]);
        Assert.False(Ok("container-exists", ["photos"]).Found);
        Assert.Equal("container 'photos' does not exist", Fails("delete-container", ["photos"]));
    }

    [Fact]
    public void An_upload_appears_only_when_committed_whole()
    {
        Ok("create-container", ["c"]);
        var session = Ok("write-begin", ["c", "big"]).Items![0];
        Ok("write-chunk", [session], new byte[Chunk], 0);
        Assert.Contains("offset 0", Fails("write-chunk", [session], new byte[10], 0)); // a repeated chunk
        Assert.Contains("at most 65536", Fails("write-chunk", [session], new byte[Chunk + 1], Chunk));
        Assert.False(Ok("has-object", ["c", "big"]).Found);

        Assert.Contains("ended with 65536 bytes, but the writer sent 70000", Fails("write-commit", [session], number: 70_000));
        Assert.False(Ok("has-object", ["c", "big"]).Found);
        Assert.Contains("no such upload", Fails("write-chunk", [session], new byte[1], Chunk));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_store.DataDirectory, "blobstore-uploads", "blobs")));

        var aborted = Ok("write-begin", ["c", "gone"]).Items![0];
        Ok("write-chunk", [aborted], [1, 2, 3], 0);
        Ok("write-abort", [aborted]);
        Assert.False(Ok("has-object", ["c", "gone"]).Found);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_store.DataDirectory, "blobstore-uploads", "blobs")));
    }

    [Fact]
    public void An_object_is_replaced_atomically_and_a_reader_notices_the_change()
    {
        Ok("create-container", ["c"]);
        var v1 = Enumerable.Range(0, 3 * Chunk).Select(i => (byte)i).ToArray();
        Store("c", "doc", v1);

        var first = Ok("read", ["c", "doc", Chunk.ToString(), ""]);
        Assert.Equal(v1[..Chunk], first.Payload);
        Assert.Equal((ulong)v1.Length, first.Number);
        var stamp = first.Items![0];
        Assert.Equal(v1[Chunk..(2 * Chunk)], Ok("read", ["c", "doc", Chunk.ToString(), stamp], number: Chunk).Payload);

        Store("c", "doc", Encoding.UTF8.GetBytes("version two"));
        Assert.Equal("object 'doc' changed while it was being read", Fails("read", ["c", "doc", Chunk.ToString(), stamp], number: 2 * Chunk));
        Assert.Equal("version two", Encoding.UTF8.GetString(Ok("read", ["c", "doc", "100", ""]).Payload!));
        Assert.Equal(11UL, Ok("object-info", ["c", "doc"]).Number);

        // A read asks for at most one chunk, whatever length it names.
        Store("c", "doc", v1);
        Assert.Equal(Chunk, Ok("read", ["c", "doc", "10000000", ""]).Payload!.Length);
        Assert.Empty(Ok("read", ["c", "doc", "10", ""], number: (ulong)v1.Length + 5).Payload!);
    }

    [Fact]
    public void Listings_come_in_bounded_pages_after_the_last_name_seen()
    {
        Ok("create-container", ["many"]);
        var dir = Path.Combine(_store.Root, "many");
        for (var i = 0; i < 2500; i++) File.WriteAllBytes(Path.Combine(dir, $"obj-{i:D5}"), []);

        var names = new List<string>();
        var after = "";
        var pages = 0;
        while (true)
        {
            var page = Ok("list-objects", ["many", after]);
            pages++;
            Assert.True(page.Items!.Length <= 1000);
            names.AddRange(page.Items);
            if (!page.Found) break;
            after = page.Items[^1];
        }
        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 2500).Select(i => $"obj-{i:D5}"), names);

        // Long names fill a page by size first.
        Ok("create-container", ["long"]);
        for (var i = 0; i < 300; i++) File.WriteAllBytes(Path.Combine(_store.Root, "long", $"{i:D3}" + new string('n', 200)), []);
        var firstPage = Ok("list-objects", ["long", ""]);
        Assert.True(firstPage.Found);
        Assert.True(firstPage.Items!.Sum(n => n.Length) <= 32 * 1024);
    }

    [Fact]
    public void Copy_and_move_need_existing_containers_and_overwrite_the_destination()
    {
        Ok("create-container", ["a"]);
        Ok("create-container", ["b"]);
        Store("a", "x", [1, 2, 3]);
        Store("b", "y", [9]);

        Ok("copy-object", ["a", "x", "b", "y"]);
        Assert.Equal([1, 2, 3], Ok("read", ["b", "y", "10", ""]).Payload);
        Assert.True(Ok("has-object", ["a", "x"]).Found);

        Ok("move-object", ["a", "x", "b", "z"]);
        Assert.False(Ok("has-object", ["a", "x"]).Found);
        Assert.Equal(3UL, Ok("object-info", ["b", "z"]).Number);

        Assert.Equal("container 'nope' does not exist", Fails("copy-object", ["b", "z", "nope", "z"]));
        Assert.Equal("object 'x' does not exist in container 'a'", Fails("move-object", ["a", "x", "b", "x"]));
        Ok("delete-objects", ["b", "y", "z", "never-existed"]);
        Assert.Empty(Ok("list-objects", ["b", ""]).Items!);
    }

    [Fact]
    public void Abandoned_uploads_are_pushed_out_by_newer_ones()
    {
        Ok("create-container", ["c"]);
        var first = Ok("write-begin", ["c", "o"]).Items![0];
        for (var i = 0; i < 64; i++) Ok("write-begin", ["c", $"o{i}"]);
        Assert.Contains("no such upload", Fails("write-chunk", [first], [1], 0));
        Assert.Equal(64, Directory.EnumerateFiles(Path.Combine(_store.DataDirectory, "blobstore-uploads", "blobs")).Count());
    }

    [Fact]
    public void Leftover_uploads_of_an_earlier_run_are_deleted_at_start_and_malformed_requests_are_errors()
    {
        Ok("create-container", ["c"]);
        Ok("write-begin", ["c", "o"]);
        using (var again = _store.Open("blobs")) { }
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_store.DataDirectory, "blobstore-uploads", "blobs")));

        Assert.Equal("malformed read request: argument 3 is missing", Fails("read", ["c", "o"]));
        Assert.Equal("unknown blobstore operation 'explode'", Fails("explode", []));
    }
}
