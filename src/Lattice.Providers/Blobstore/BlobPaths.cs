// Where a container or object lives on disk, and the one place that decides which names are allowed.
//
// A name is one path segment, never a path: no `/`, `\`, `..`, NUL, nothing rooted, and not longer
// than a file name may be. Even an allowed name is resolved and checked to be a direct child of its
// parent, and an existing symbolic link is refused, so nothing a guest sends can reach a file
// outside the provider's root.
using System.Text;

namespace Lattice.Providers.Blobstore;

internal sealed class BlobPaths
{
    private const int MaxNameBytes = 255; // NAME_MAX of Linux file systems

    public BlobPaths(string root)
    {
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
    }

    /// <summary>The provider's root: one directory per container.</summary>
    public string Root { get; }

    /// <summary>Why <paramref name="name"/> cannot be a <paramref name="what"/> (e.g. "container name"), or null if it can.</summary>
    public static string? Problem(string name, string what)
    {
        if (name.Length == 0) return $"a {what} cannot be empty";
        if (name.Contains('/') || name.Contains('\\')) return $"{what} {Show(name)} contains a path separator";
        if (name.Contains('\0')) return $"{what} {Show(name)} contains a NUL character";
        if (name.Contains("..") || name == ".") return $"{what} {Show(name)} is not allowed (no '.', no '..')";
        if (Path.IsPathRooted(name)) return $"{what} {Show(name)} is an absolute path";
        if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes) return $"{what} {Show(name)} is longer than {MaxNameBytes} bytes";
        return null;
    }

    public string Container(string name) => Child(Root, name, "container");

    public string Object(string containerPath, string name) => Child(containerPath, name, "object");

    /// <summary>A name for messages: quoted, control characters escaped, long names shortened.</summary>
    public static string Show(string name)
    {
        var shown = new StringBuilder("'");
        foreach (var c in name.Length > 80 ? name[..80] : name)
            shown.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        return shown.Append(name.Length > 80 ? "…'" : "'").ToString();
    }

    private static string Child(string parent, string name, string what)
    {
        if (Problem(name, what + " name") is { } problem) throw new BlobException(problem);
        var full = Path.GetFullPath(Path.Combine(parent, name));
        if (!string.Equals(Path.GetDirectoryName(full), parent, StringComparison.Ordinal))
            throw new BlobException($"{what} name {Show(name)} leaves the blobstore");
        if (new FileInfo(full).LinkTarget is not null)
            throw new BlobException($"{what} {Show(name)} is a symbolic link, which this blobstore does not follow");
        return full;
    }
}

/// <summary>A request the backend refuses; its message is the interface's error string.</summary>
internal sealed class BlobException(string message) : Exception(message);
