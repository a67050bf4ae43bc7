using Lattice.Wasi;

namespace Lattice.Tests.Wasi;

/// <summary>
/// wasi:filesystem as a wasi-libc guest sees it: only granted directories exist, nothing outside a
/// grant can be reached (by `..`, absolute paths or symbolic links), read-only grants refuse every
/// change, and failures are errno values for the guest, never traps.
/// </summary>
public sealed class WasiFilesystemSpec : IDisposable
{
    private const string Secret = "outside the grant";
    private readonly ScratchDirectory _scratch = new();

    public WasiFilesystemSpec()
    {
        _scratch.File("secret.txt", Secret);
        _scratch.File("data/hello.txt", "hello, file");
        _scratch.File("data/sub/inner.txt", "inner");
    }

    private string Data => Path.Combine(_scratch.Path, "data");

    public void Dispose() => _scratch.Dispose();

    private CommandRun Probe(bool readOnly, params string[] command) =>
        WasiTestbed.RunCommand(WasiTestbed.Fixture("wasiprobe.wasm"), args: ["probe", .. command],
            preopens: [new WasiPreopen(Data, "/data", readOnly)]);

    private static void AssertRefused(CommandRun run, string? errno = null)
    {
        Assert.Null(run.Trap);
        Assert.Equal(1, run.ExitCode);
        Assert.DoesNotContain(Secret, run.Stdout);
        Assert.StartsWith("error ", run.Stdout);
        if (errno is not null) Assert.Equal($"error {errno}\n", run.Stdout);
    }

    [Fact]
    public void A_granted_file_can_be_read()
    {
        var run = Probe(readOnly: true, "cat", "/data/hello.txt");

        Assert.Equal("hello, file", run.Stdout);
        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public void A_relative_path_resolves_against_a_root_grant()
    {
        var run = WasiTestbed.RunCommand(WasiTestbed.Fixture("wasiprobe.wasm"), args: ["probe", "cat", "sub/inner.txt"],
            preopens: [new WasiPreopen(Data, "/")]);

        Assert.Equal("inner", run.Stdout);
    }

    [Fact]
    public void Without_a_grant_there_is_no_filesystem()
    {
        var run = WasiTestbed.RunCommand(WasiTestbed.Fixture("wasiprobe.wasm"), args: ["probe", "cat", Path.Combine(Data, "hello.txt")]);

        AssertRefused(run);
    }

    [Theory]
    [InlineData("/data/../secret.txt")]
    [InlineData("/data/sub/../../secret.txt")]
    [InlineData("/data/./sub/../../../secret.txt")]
    public void Dot_dot_cannot_leave_the_grant(string path)
    {
        AssertRefused(Probe(readOnly: false, "cat", path));
    }

    [Fact]
    public void A_host_path_outside_the_grant_cannot_be_named()
    {
        AssertRefused(Probe(readOnly: false, "cat", Path.Combine(_scratch.Path, "secret.txt")));
    }

    [Theory]
    [InlineData("../secret.txt")]
    [InlineData("sub/../../secret.txt")]
    public void A_symbolic_link_leading_out_of_the_grant_is_not_followed(string target)
    {
        File.CreateSymbolicLink(Path.Combine(Data, "escape"), target);

        AssertRefused(Probe(readOnly: true, "cat", "/data/escape"), "EPERM");
    }

    [Fact]
    public void A_symbolic_link_to_an_absolute_path_is_not_followed()
    {
        File.CreateSymbolicLink(Path.Combine(Data, "escape"), Path.Combine(_scratch.Path, "secret.txt"));

        AssertRefused(Probe(readOnly: true, "cat", "/data/escape"), "EPERM");
        AssertRefused(Probe(readOnly: true, "cat", "/data/escape/x"));
    }

    [Fact]
    public void A_symbolic_link_inside_the_grant_works()
    {
        File.CreateSymbolicLink(Path.Combine(Data, "sub", "link"), "../hello.txt");

        Assert.Equal("hello, file", Probe(readOnly: true, "cat", "/data/sub/link").Stdout);
        Assert.Equal("../hello.txt\n", Probe(readOnly: true, "readlink", "/data/sub/link").Stdout);
        Assert.Equal("link 12\n", Probe(readOnly: true, "stat", "/data/sub/link").Stdout);
    }

    [Fact]
    public void A_symbolic_link_loop_is_reported_as_a_loop()
    {
        File.CreateSymbolicLink(Path.Combine(Data, "a"), "b");
        File.CreateSymbolicLink(Path.Combine(Data, "b"), "a");

        AssertRefused(Probe(readOnly: true, "cat", "/data/a"), "ELOOP");
    }

    [Theory]
    [InlineData("../secret.txt")]
    [InlineData("/etc/passwd")]
    public void The_guest_cannot_create_a_link_that_leads_out(string target)
    {
        AssertRefused(Probe(readOnly: false, "symlink", target, "/data/evil"), "EPERM");
        Assert.False(Path.Exists(Path.Combine(Data, "evil")));
    }

    [Theory]
    [InlineData("write", "/data/hello.txt", "changed")]
    [InlineData("write", "/data/new.txt", "created")]
    [InlineData("append", "/data/hello.txt", "more")]
    [InlineData("mkdir", "/data/newdir", "")]
    [InlineData("rmdir", "/data/sub", "")]
    [InlineData("unlink", "/data/hello.txt", "")]
    [InlineData("symlink", "hello.txt", "/data/link")]
    [InlineData("truncate", "/data/hello.txt", "0")]
    public void A_read_only_grant_refuses_every_change(string command, string a, string b)
    {
        var before = Snapshot();

        var run = Probe(readOnly: true, command, a, b);

        AssertRefused(run);
        Assert.Equal(before, Snapshot());
    }

    // rename and link pass two directory handles to the host in one call.
    [Theory]
    [InlineData("rename", "/data/hello.txt", "/data/moved.txt")]
    [InlineData("link", "/data/hello.txt", "/data/hard.txt")]
    public void A_read_only_grant_refuses_renames_and_links(string command, string a, string b)
    {
        var before = Snapshot();

        AssertRefused(Probe(readOnly: true, command, a, b), "EROFS");
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public void A_read_only_grant_refuses_writes_with_read_only()
    {
        Assert.Equal("error EROFS\n", Probe(readOnly: true, "write", "/data/hello.txt", "x").Stdout);
        Assert.Equal("error EROFS\n", Probe(readOnly: true, "mkdir", "/data/newdir").Stdout);
        Assert.Equal("error EROFS\n", Probe(readOnly: true, "unlink", "/data/hello.txt").Stdout);
        Assert.Equal("hello, file", File.ReadAllText(Path.Combine(Data, "hello.txt")));
    }

    [Fact]
    public void A_writable_grant_allows_changes_inside_it()
    {
        Assert.Equal("ok\n", Probe(readOnly: false, "write", "/data/new.txt", "first").Stdout);
        Assert.Equal("ok\n", Probe(readOnly: false, "append", "/data/new.txt", " second").Stdout);
        Assert.Equal("first second", Probe(readOnly: false, "cat", "/data/new.txt").Stdout);
        Assert.Equal("second\n", Probe(readOnly: false, "seek", "/data/new.txt", "6").Stdout);
        Assert.Equal("file 12\n", Probe(readOnly: false, "stat", "/data/new.txt").Stdout);
        Assert.Equal("ok\n", Probe(readOnly: false, "truncate", "/data/new.txt", "5").Stdout);
        Assert.Equal("first", File.ReadAllText(Path.Combine(Data, "new.txt")));

        Assert.Equal("ok\n", Probe(readOnly: false, "mkdir", "/data/dir").Stdout);
        Assert.Equal("error EEXIST\n", Probe(readOnly: false, "mkdir", "/data/dir").Stdout);
        Assert.Equal("ok\n", Probe(readOnly: false, "symlink", "../new.txt", "/data/dir/link").Stdout);
        Assert.Equal("first", Probe(readOnly: false, "cat", "/data/dir/link").Stdout);
        Assert.Equal("dir\nhello.txt\nnew.txt\nsub\n", Probe(readOnly: false, "ls", "/data").Stdout);
        Assert.Equal("error ENOTEMPTY\n", Probe(readOnly: false, "rmdir", "/data/dir").Stdout);
        Assert.Equal("ok\n", Probe(readOnly: false, "unlink", "/data/dir/link").Stdout);
        Assert.Equal("ok\n", Probe(readOnly: false, "rmdir", "/data/dir").Stdout);
        Assert.Equal("ok\n", Probe(readOnly: false, "unlink", "/data/new.txt").Stdout);
        Assert.Equal("error ENOENT\n", Probe(readOnly: false, "cat", "/data/new.txt").Stdout);
        Assert.Equal("hello.txt\nsub\n", Probe(readOnly: false, "ls", "/data").Stdout);
    }

    [Fact]
    public void A_writable_grant_allows_renames_and_links_inside_it()
    {
        Assert.Equal("ok\n", Probe(readOnly: false, "rename", "/data/hello.txt", "/data/sub/moved.txt").Stdout);
        Assert.Equal("ok\n", Probe(readOnly: false, "link", "/data/sub/moved.txt", "/data/hard.txt").Stdout);
        Assert.Equal("hard.txt\nsub\n", Probe(readOnly: false, "ls", "/data").Stdout);
        Assert.Equal("inner.txt\nmoved.txt\n", Probe(readOnly: false, "ls", "/data/sub").Stdout);
        Assert.Equal("hello, file", Probe(readOnly: false, "cat", "/data/hard.txt").Stdout);
        Assert.Equal("error ENOENT\n", Probe(readOnly: false, "rename", "/data/missing", "/data/x").Stdout);
    }

    [Fact]
    public void The_granted_directory_itself_cannot_be_removed()
    {
        AssertRefused(Probe(readOnly: false, "rmdir", "/data"));
        AssertRefused(Probe(readOnly: false, "rmdir", "/data/sub/.."));
        AssertRefused(Probe(readOnly: false, "unlink", "/data"));
        Assert.True(File.Exists(Path.Combine(Data, "hello.txt")));
    }

    [Fact]
    public void The_granted_directory_itself_cannot_be_renamed()
    {
        AssertRefused(Probe(readOnly: false, "rename", "/data", "/data/sub/x"));
        AssertRefused(Probe(readOnly: false, "rename", "/data/sub/..", "/data/sub/x"));
        Assert.True(File.Exists(Path.Combine(Data, "hello.txt")));
    }

    [Fact]
    public void Changes_cannot_reach_outside_a_writable_grant()
    {
        AssertRefused(Probe(readOnly: false, "write", "/data/../evil.txt", "x"));
        AssertRefused(Probe(readOnly: false, "mkdir", "/data/../evil"));
        AssertRefused(Probe(readOnly: false, "unlink", "/data/../secret.txt"));
        Assert.False(File.Exists(Path.Combine(_scratch.Path, "evil.txt")));
        Assert.False(Directory.Exists(Path.Combine(_scratch.Path, "evil")));
        Assert.Equal(Secret, File.ReadAllText(Path.Combine(_scratch.Path, "secret.txt")));
    }

    [Fact]
    public void Renames_and_links_cannot_reach_outside_a_writable_grant()
    {
        AssertRefused(Probe(readOnly: false, "rename", "/data/hello.txt", "/data/../stolen.txt"), "EPERM");
        AssertRefused(Probe(readOnly: false, "rename", "/data/../secret.txt", "/data/stolen.txt"), "EPERM");
        AssertRefused(Probe(readOnly: false, "link", "/data/../secret.txt", "/data/stolen.txt"), "EPERM");
        Assert.False(File.Exists(Path.Combine(_scratch.Path, "stolen.txt")));
        Assert.False(File.Exists(Path.Combine(Data, "stolen.txt")));
        Assert.Equal(Secret, File.ReadAllText(Path.Combine(_scratch.Path, "secret.txt")));
    }

    [Fact]
    public void Listing_a_directory_shows_its_entries()
    {
        Assert.Equal("hello.txt\nsub\n", Probe(readOnly: true, "ls", "/data").Stdout);
        Assert.Equal("inner.txt\n", Probe(readOnly: true, "ls", "/data/sub").Stdout);
    }

    private string Snapshot() =>
        string.Join("\n", Directory.EnumerateFileSystemEntries(_scratch.Path, "*", SearchOption.AllDirectories).Order()
            .Select(p => p + (File.Exists(p) ? "=" + File.ReadAllText(p) : "")));
}
