// Path operations of a directory descriptor (the `*-at` methods of wasi:filesystem).
//
// Each one resolves its path through Sandbox first, then asks the OS through Posix so the guest gets
// POSIX answers. Operations that change anything check the grant first, so a read-only grant fails
// with `read-only` before the OS is touched. Naming the base directory itself as the object of a
// removal or rename (`.`, `a/..`) is refused: a guest must never remove or move its own grant.
using Microsoft.Win32.SafeHandles;

namespace Lattice.Wasi;

[Flags]
internal enum OpenFlags
{
    None = 0,
    Create = 1,
    Directory = 2,
    Exclusive = 4,
    Truncate = 8,
}

internal sealed class DirectoryDescriptor(Sandbox sandbox, string hostPath, DescriptorFlags flags)
    : Descriptor(sandbox, hostPath, flags)
{
    public override FileStat Stat() => Posix.Stat(HostPath, follow: true);

    public override void SetTimes(Timespec access, Timespec modify)
    {
        Sandbox.RequireWritable();
        Posix.SetTimes(HostPath, access, modify, follow: true);
    }

    public override void Sync() { } // directory entries are written by the OS as they change

    private ResolvedPath Resolve(string path, bool follow) => Sandbox.Resolve(HostPath, path, follow);

    public Descriptor OpenAt(bool follow, string path, OpenFlags open, DescriptorFlags flags)
    {
        var create = open.HasFlag(OpenFlags.Create);
        var exclusive = open.HasFlag(OpenFlags.Exclusive);
        var truncate = open.HasFlag(OpenFlags.Truncate);
        if (flags.HasFlag(DescriptorFlags.Write) || flags.HasFlag(DescriptorFlags.MutateDirectory) || create || truncate)
            Sandbox.RequireWritable();
        if (open.HasFlag(OpenFlags.Directory) && (create || exclusive || truncate))
            throw new FilesystemException(FilesystemErrorCode.Invalid);

        var resolved = Resolve(path, follow);
        FileStat? existing = TryLstat(resolved.HostPath);
        if (existing is { } st)
        {
            if (create && exclusive) throw new FilesystemException(FilesystemErrorCode.Exist);
            // Not following the last link is O_NOFOLLOW, which POSIX reports as a loop.
            if (st.Type == DescriptorType.SymbolicLink) throw new FilesystemException(FilesystemErrorCode.Loop);
            if (st.Type == DescriptorType.Directory)
            {
                if (flags.HasFlag(DescriptorFlags.Write) || truncate || create) throw new FilesystemException(FilesystemErrorCode.IsDirectory);
                return new DirectoryDescriptor(Sandbox, resolved.HostPath, flags & (DescriptorFlags.Read | DescriptorFlags.MutateDirectory) | DescriptorFlags.Read);
            }
            if (open.HasFlag(OpenFlags.Directory) || resolved.TrailingSlash) throw new FilesystemException(FilesystemErrorCode.NotDirectory);
            // Opening a FIFO or a device can block the thread forever, or reach outside the grant's data.
            if (st.Type != DescriptorType.RegularFile) throw new FilesystemException(FilesystemErrorCode.Unsupported, "only regular files and directories can be opened");
        }
        else
        {
            if (!create) throw new FilesystemException(FilesystemErrorCode.NoEntry);
            if (resolved.TrailingSlash) throw new FilesystemException(FilesystemErrorCode.IsDirectory);
        }

        var mode = (create, exclusive, truncate) switch
        {
            (true, true, _) => FileMode.CreateNew,
            (true, false, true) => FileMode.Create,
            (true, false, false) => FileMode.OpenOrCreate,
            (false, _, true) => FileMode.Truncate,
            _ => FileMode.Open,
        };
        var write = flags.HasFlag(DescriptorFlags.Write);
        var read = flags.HasFlag(DescriptorFlags.Read) || !write;
        // .NET refuses to create or truncate without write access, even if the guest will only read.
        var access = (read ? FileAccess.Read : 0) | (write || mode is FileMode.CreateNew or FileMode.Create or FileMode.Truncate ? FileAccess.Write : 0);
        var handle = File.OpenHandle(resolved.HostPath, mode, access, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            CheckOpenedInside(handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        var granted = flags & ~DescriptorFlags.MutateDirectory;
        if (read) granted |= DescriptorFlags.Read;
        return new FileDescriptor(Sandbox, resolved.HostPath, granted, handle);
    }

    public void CreateDirectoryAt(string path)
    {
        Sandbox.RequireWritable();
        var resolved = Resolve(path, follow: false);
        if (resolved.IsBase) throw new FilesystemException(FilesystemErrorCode.Exist);
        Posix.MakeDirectory(resolved.HostPath);
    }

    public FileStat StatAt(bool follow, string path)
    {
        var resolved = Resolve(path, follow);
        var st = Posix.Stat(resolved.HostPath, follow: false);
        if (resolved.TrailingSlash && st.Type != DescriptorType.Directory) throw new FilesystemException(FilesystemErrorCode.NotDirectory);
        return st;
    }

    public void SetTimesAt(bool follow, string path, Timespec access, Timespec modify)
    {
        Sandbox.RequireWritable();
        Posix.SetTimes(Resolve(path, follow).HostPath, access, modify, follow: false);
    }

    public void LinkAt(bool follow, string oldPath, DirectoryDescriptor newDir, string newPath)
    {
        Sandbox.RequireWritable();
        newDir.Sandbox.RequireWritable();
        if (follow) throw new FilesystemException(FilesystemErrorCode.Invalid, "hard links to the target of a symbolic link are not supported");
        var from = Resolve(oldPath, follow: false);
        var to = newDir.Resolve(newPath, follow: false);
        if (from.IsBase || to.IsBase) throw new FilesystemException(FilesystemErrorCode.NotPermitted);
        Posix.HardLink(from.HostPath, to.HostPath);
    }

    public string ReadlinkAt(string path)
    {
        var resolved = Resolve(path, follow: false);
        if (resolved.IsBase) throw new FilesystemException(FilesystemErrorCode.Invalid);
        return Sandbox.LinkTarget(resolved.HostPath) ?? throw new FilesystemException(
            TryLstat(resolved.HostPath) is null ? FilesystemErrorCode.NoEntry : FilesystemErrorCode.Invalid, "not a symbolic link");
    }

    public void RemoveDirectoryAt(string path)
    {
        Sandbox.RequireWritable();
        var resolved = Resolve(path, follow: false);
        if (resolved.IsBase) throw new FilesystemException(FilesystemErrorCode.Invalid, "cannot remove the directory itself");
        Posix.RemoveDirectory(resolved.HostPath);
    }

    public void RenameAt(string oldPath, DirectoryDescriptor newDir, string newPath)
    {
        Sandbox.RequireWritable();
        newDir.Sandbox.RequireWritable();
        var from = Resolve(oldPath, follow: false);
        var to = newDir.Resolve(newPath, follow: false);
        if (from.IsBase || to.IsBase) throw new FilesystemException(FilesystemErrorCode.Busy, "cannot rename the directory itself");
        Posix.Rename(from.HostPath, to.HostPath);
    }

    public void SymlinkAt(string target, string newPath)
    {
        Sandbox.RequireWritable();
        var link = Resolve(newPath, follow: false);
        if (link.IsBase) throw new FilesystemException(FilesystemErrorCode.Exist);
        // Refused at creation too, not only when followed: such a link would be a trap for the host.
        if (!Sandbox.TargetStaysInside(link.Depth, target))
            throw new FilesystemException(FilesystemErrorCode.NotPermitted, "the link would point outside the directory");
        Posix.SymbolicLink(target, link.HostPath);
    }

    public void UnlinkFileAt(string path)
    {
        Sandbox.RequireWritable();
        var resolved = Resolve(path, follow: false);
        if (resolved.IsBase) throw new FilesystemException(FilesystemErrorCode.IsDirectory);
        if (resolved.TrailingSlash)
        {
            var st = Posix.Stat(resolved.HostPath, follow: false);
            throw new FilesystemException(st.Type == DescriptorType.Directory ? FilesystemErrorCode.IsDirectory : FilesystemErrorCode.NotDirectory);
        }
        Posix.Unlink(resolved.HostPath);
    }

    public DirectoryEntryStream ReadDirectory()
    {
        var entries = new List<(string, DescriptorType)>();
        foreach (var path in Directory.EnumerateFileSystemEntries(HostPath))
        {
            DescriptorType type;
            try { type = Posix.Stat(path, follow: false).Type; }
            catch (FilesystemException) { type = DescriptorType.Unknown; } // removed while we listed
            entries.Add((Path.GetFileName(path), type));
        }
        return new DirectoryEntryStream(entries);
    }

    /// <summary>Defends against a directory swapped for a link between resolution and open: the OS tells where the file really is.</summary>
    private void CheckOpenedInside(SafeFileHandle handle)
    {
        var fdLink = $"/proc/self/fd/{handle.DangerousGetHandle()}";
        var actual = Sandbox.LinkTarget(fdLink);
        if (actual is not null && !Sandbox.Contains(actual))
            throw new FilesystemException(FilesystemErrorCode.NotPermitted, "the path left the directory while it was opened");
    }

    private static FileStat? TryLstat(string hostPath)
    {
        try { return Posix.Stat(hostPath, follow: false); }
        catch (FilesystemException e) when (e.Code is FilesystemErrorCode.NoEntry) { return null; }
    }
}
