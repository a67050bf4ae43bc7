using Lattice.Wasi;

namespace Lattice.Tests.Wasi;

/// <summary>
/// The path rules of a granted directory, tested below the WIT layer: every way out of the
/// directory is refused with a WASI error code, never an OS exception or a crash.
/// </summary>
public sealed class SandboxSpec : IDisposable
{
    private readonly ScratchDirectory _scratch = new();
    private readonly string _root;

    public SandboxSpec()
    {
        _scratch.File("outside.txt", "secret");
        _scratch.File("root/a/b/file.txt", "inside");
        _root = Path.Combine(_scratch.Path, "root");
    }

    public void Dispose() => _scratch.Dispose();

    private ResolvedPath Resolve(string path, bool follow = true) => Sandbox.Resolve(_root, path, follow);

    private static FilesystemErrorCode Refusal(Action action) => Assert.Throws<FilesystemException>(action).Code;

    [Theory]
    [InlineData("..")]
    [InlineData("../outside.txt")]
    [InlineData("a/../..")]
    [InlineData("a/b/../../../outside.txt")]
    [InlineData("./a/./../../outside.txt")]
    public void Dot_dot_above_the_directory_is_not_permitted(string path)
    {
        Assert.Equal(FilesystemErrorCode.NotPermitted, Refusal(() => Resolve(path)));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/etc/passwd")]
    [InlineData("//a")]
    public void Absolute_paths_are_not_permitted(string path)
    {
        Assert.Equal(FilesystemErrorCode.NotPermitted, Refusal(() => Resolve(path)));
    }

    [Fact]
    public void Odd_paths_are_errors_not_crashes()
    {
        Assert.Equal(FilesystemErrorCode.NoEntry, Refusal(() => Resolve("")));
        Assert.Equal(FilesystemErrorCode.Invalid, Refusal(() => Resolve("a\0b")));
        Assert.Equal(FilesystemErrorCode.NotDirectory, Refusal(() => Resolve("a/b/file.txt/../x")));
        Assert.Equal(FilesystemErrorCode.NoEntry, Refusal(() => Resolve("missing/../a")));
    }

    [Theory]
    [InlineData("a/b/file.txt", "a/b/file.txt", false)]
    [InlineData("a//b/./file.txt", "a/b/file.txt", false)]
    [InlineData("a/b/../b/file.txt", "a/b/file.txt", false)]
    [InlineData(".", "", true)]
    [InlineData("a/..", "", true)]
    public void Paths_inside_resolve_to_host_paths_under_the_directory(string path, string expected, bool isBase)
    {
        var resolved = Resolve(path);

        Assert.Equal(expected.Length == 0 ? _root : Path.Combine(_root, expected), resolved.HostPath);
        Assert.Equal(isBase, resolved.IsBase);
    }

    [Fact]
    public void Links_are_expanded_under_the_same_rules()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "up"), "a/b/..");
        File.CreateSymbolicLink(Path.Combine(_root, "a", "out"), "../../outside.txt");
        File.CreateSymbolicLink(Path.Combine(_root, "abs"), _scratch.Path);
        File.CreateSymbolicLink(Path.Combine(_root, "loop"), "loop");

        Assert.Equal(Path.Combine(_root, "a", "b", "file.txt"), Resolve("up/b/file.txt").HostPath);
        Assert.Equal(FilesystemErrorCode.NotPermitted, Refusal(() => Resolve("a/out")));
        Assert.Equal(FilesystemErrorCode.NotPermitted, Refusal(() => Resolve("abs/outside.txt")));
        Assert.Equal(FilesystemErrorCode.Loop, Refusal(() => Resolve("loop")));
        // Not following the last component leaves the link itself, which is inside.
        Assert.Equal(Path.Combine(_root, "a", "out"), Resolve("a/out", follow: false).HostPath);
        Assert.Equal(FilesystemErrorCode.NotPermitted, Refusal(() => Resolve("a/out/", follow: false)));
    }

    [Fact]
    public void A_subdirectory_descriptor_cannot_climb_to_its_parent()
    {
        // Each directory descriptor is its own capability, even inside the same grant.
        Assert.Equal(FilesystemErrorCode.NotPermitted, Refusal(() => Sandbox.Resolve(Path.Combine(_root, "a"), "../a", true)));
    }

    [Theory]
    [InlineData(1, "x", true)]
    [InlineData(1, "sub/../x", true)]
    [InlineData(1, "../x", false)]
    [InlineData(2, "../x", true)]
    [InlineData(2, "../../x", false)]
    [InlineData(1, "/etc/passwd", false)]
    [InlineData(1, "", false)]
    public void New_links_must_stay_inside(int depth, string target, bool allowed)
    {
        Assert.Equal(allowed, Sandbox.TargetStaysInside(depth, target));
    }

    [Fact]
    public void Random_paths_only_ever_give_filesystem_errors()
    {
        var random = new Random(42);
        var alphabet = new[] { "a", "b", "..", ".", "/", "file.txt", "\0", "é", "" };
        for (var i = 0; i < 2000; i++)
        {
            var path = string.Concat(Enumerable.Range(0, random.Next(1, 8)).Select(_ => alphabet[random.Next(alphabet.Length)]));
            try
            {
                var resolved = Resolve(path, follow: random.Next(2) == 0);
                Assert.StartsWith(_root, resolved.HostPath);
            }
            catch (FilesystemException) { /* refused: fine */ }
        }
    }

    [Fact]
    public void A_read_only_grant_refuses_opening_for_write_before_touching_the_disk()
    {
        var sandbox = Sandbox.For(new WasiPreopen(_root, "/", ReadOnly: true));
        var dir = new DirectoryDescriptor(sandbox, sandbox.Root, DescriptorFlags.Read);

        Assert.Equal(FilesystemErrorCode.ReadOnly, Refusal(() => dir.OpenAt(false, "new.txt", OpenFlags.Create, DescriptorFlags.Write)));
        Assert.Equal(FilesystemErrorCode.ReadOnly, Refusal(() => dir.OpenAt(false, "a/b/file.txt", OpenFlags.None, DescriptorFlags.Write)));
        Assert.Equal(FilesystemErrorCode.ReadOnly, Refusal(() => dir.OpenAt(false, "a/b/file.txt", OpenFlags.Truncate, DescriptorFlags.Read)));
        Assert.Equal(FilesystemErrorCode.ReadOnly, Refusal(() => dir.CreateDirectoryAt("c")));
        Assert.Equal(FilesystemErrorCode.ReadOnly, Refusal(() => dir.UnlinkFileAt("a/b/file.txt")));
        Assert.False(File.Exists(Path.Combine(_root, "new.txt")));
        Assert.Equal("inside", File.ReadAllText(Path.Combine(_root, "a", "b", "file.txt")));

        using var file = (FileDescriptor)dir.OpenAt(false, "a/b/file.txt", OpenFlags.None, DescriptorFlags.Read);
        Assert.Equal("inside", System.Text.Encoding.UTF8.GetString(file.Read(100, 0).Data));
        Assert.Equal(FilesystemErrorCode.ReadOnly, Refusal(() => file.Write("x"u8, 0)));
    }

    [Fact]
    public void Stat_reports_type_size_and_identity()
    {
        var sandbox = Sandbox.For(new WasiPreopen(_root, "/", ReadOnly: false));
        var dir = new DirectoryDescriptor(sandbox, sandbox.Root, DescriptorFlags.Read | DescriptorFlags.MutateDirectory);

        var st = dir.StatAt(false, "a/b/file.txt");
        using var file = (FileDescriptor)dir.OpenAt(false, "a/b/file.txt", OpenFlags.None, DescriptorFlags.Read);

        Assert.Equal(DescriptorType.RegularFile, st.Type);
        Assert.Equal(6UL, st.Size);
        Assert.Equal(1UL, st.LinkCount);
        Assert.True(st.IsSameObject(file.Stat()));
        Assert.Equal(st.MetadataHash(), file.Stat().MetadataHash());
        Assert.Equal(DescriptorType.Directory, dir.Stat().Type);
        var modified = DateTimeOffset.FromUnixTimeSeconds(st.Modified.Seconds);
        Assert.InRange(modified, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
    }
}
