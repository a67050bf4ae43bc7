// A granted directory, and the one place a guest's path becomes a host path.
//
// The rule (capability-style, as in cap-std and wasmtime): a path given to a directory descriptor
// can only name things under that directory. So absolute paths are refused, `..` may not climb
// above the descriptor's directory, and symbolic links are expanded here, component by component,
// under the same rule (an absolute or escaping link target is refused) — the OS is only ever handed
// a path whose directories are real directories inside the grant. What is left is a race with
// *another* process swapping a directory for a link between our check and the OS call; opened
// files are re-checked through /proc/self/fd to close it where it matters most.
namespace Lattice.Wasi;

/// <summary>A path resolved inside a sandbox. <see cref="IsBase"/>: it names the base directory itself.</summary>
internal readonly record struct ResolvedPath(string HostPath, bool IsBase, bool TrailingSlash, int Depth);

internal sealed class Sandbox
{
    // Linux's own limit on links followed in one lookup.
    private const int MaxSymlinkHops = 40;

    private Sandbox(string guestPath, string root, bool readOnly)
    {
        GuestPath = guestPath;
        Root = root;
        ReadOnly = readOnly;
    }

    /// <summary>The name the guest sees in <c>get-directories</c>.</summary>
    public string GuestPath { get; }

    /// <summary>The granted directory on the host, with every symbolic link in it resolved.</summary>
    public string Root { get; }

    public bool ReadOnly { get; }

    public static Sandbox For(WasiPreopen preopen) => new(preopen.GuestPath, RealPath(preopen.HostPath), preopen.ReadOnly);

    /// <summary>Refuses any change when the grant is read-only.</summary>
    public void RequireWritable()
    {
        if (ReadOnly) throw new FilesystemException(FilesystemErrorCode.ReadOnly, "the directory was granted read-only");
    }

    /// <summary>True if <paramref name="hostPath"/> (a real path) is the root or under it.</summary>
    public bool Contains(string hostPath) =>
        hostPath == Root || hostPath.StartsWith(Root.EndsWith('/') ? Root : Root + "/", StringComparison.Ordinal);

    /// <summary>
    /// Resolves <paramref name="guestPath"/> relative to the directory <paramref name="baseDir"/> (a real
    /// host path inside this sandbox). A symbolic link in the last component is expanded only when
    /// <paramref name="followFinal"/> (or a trailing slash) asks for it.
    /// </summary>
    public static ResolvedPath Resolve(string baseDir, string guestPath, bool followFinal)
    {
        if (guestPath.Length == 0) throw new FilesystemException(FilesystemErrorCode.NoEntry, "empty path");
        if (guestPath.Contains('\0')) throw new FilesystemException(FilesystemErrorCode.Invalid, "path contains NUL");
        if (guestPath[0] == '/') throw new FilesystemException(FilesystemErrorCode.NotPermitted, "absolute paths are not allowed");

        var trailingSlash = guestPath.EndsWith('/');
        var pending = new Stack<string>();
        PushComponents(pending, guestPath);
        var resolved = new List<string>();
        var hops = 0;
        while (pending.Count > 0)
        {
            var c = pending.Pop();
            if (c.Length == 0 || c == ".") continue;
            if (c == "..")
            {
                if (resolved.Count == 0) throw new FilesystemException(FilesystemErrorCode.NotPermitted, "path escapes the directory");
                // POSIX resolves `x/..` only if x is a directory.
                var current = Join(baseDir, resolved);
                if (!Directory.Exists(current))
                    throw new FilesystemException(File.Exists(current) ? FilesystemErrorCode.NotDirectory : FilesystemErrorCode.NoEntry);
                resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            var last = pending.Count == 0;
            var candidate = Path.Join(Join(baseDir, resolved), c);
            if (!last || followFinal || trailingSlash)
            {
                var target = LinkTarget(candidate);
                if (target is not null)
                {
                    if (++hops > MaxSymlinkHops) throw new FilesystemException(FilesystemErrorCode.Loop);
                    if (target.Length == 0) throw new FilesystemException(FilesystemErrorCode.NoEntry);
                    if (target[0] == '/') throw new FilesystemException(FilesystemErrorCode.NotPermitted, "symbolic link to an absolute path");
                    PushComponents(pending, target);
                    continue;
                }
            }
            resolved.Add(c);
        }
        return new ResolvedPath(Join(baseDir, resolved), resolved.Count == 0, trailingSlash, resolved.Count);
    }

    /// <summary>
    /// True if a link at <paramref name="linkDepth"/> components below the base, pointing at
    /// <paramref name="target"/>, stays under the base when followed (checked lexically, as written).
    /// </summary>
    public static bool TargetStaysInside(int linkDepth, string target)
    {
        if (target.Length == 0 || target[0] == '/') return false;
        var depth = linkDepth - 1; // the link's own directory
        foreach (var c in target.Split('/'))
        {
            if (c.Length == 0 || c == ".") continue;
            depth += c == ".." ? -1 : 1;
            if (depth < 0) return false;
        }
        return true;
    }

    /// <summary>The target of a symbolic link, or null if <paramref name="path"/> is not one (or does not exist).</summary>
    public static string? LinkTarget(string path)
    {
        try { return new FileInfo(path).LinkTarget; }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static void PushComponents(Stack<string> pending, string path)
    {
        var parts = path.Split('/');
        for (var i = parts.Length - 1; i >= 0; i--) pending.Push(parts[i]);
    }

    private static string Join(string baseDir, List<string> components) =>
        components.Count == 0 ? baseDir : Path.Join(baseDir, string.Join('/', components));

    /// <summary>The host's own path with every link resolved (the host is trusted: absolute links are fine here).</summary>
    private static string RealPath(string path)
    {
        var pending = new Stack<string>();
        PushComponents(pending, Path.GetFullPath(path));
        var result = "/";
        var hops = 0;
        while (pending.Count > 0)
        {
            var c = pending.Pop();
            if (c.Length == 0 || c == ".") continue;
            if (c == "..") { result = Path.GetDirectoryName(result) ?? "/"; continue; }
            var next = Path.Join(result, c);
            if (LinkTarget(next) is { } target && ++hops <= MaxSymlinkHops)
            {
                if (target.StartsWith('/')) result = "/";
                PushComponents(pending, target);
                continue;
            }
            result = next;
        }
        return result;
    }
}
