// wasi:filesystem's error-code, and how host failures map onto it.
//
// Filesystem operations throw FilesystemException with a WASI code; the WIT layer turns it into
// `err(code)`. Everything the OS reports (errno from our libc calls, .NET IO exceptions) is mapped
// here, so a failing host call is always a WASI error for the guest, never a trap.
using System.Text;

namespace Lattice.Wasi;

/// <summary><c>wasi:filesystem/types.error-code</c>, in WIT order.</summary>
public enum FilesystemErrorCode
{
    Access, WouldBlock, Already, BadDescriptor, Busy, Deadlock, Quota, Exist, FileTooLarge,
    IllegalByteSequence, InProgress, Interrupted, Invalid, Io, IsDirectory, Loop, TooManyLinks,
    MessageSize, NameTooLong, NoDevice, NoEntry, NoLock, InsufficientMemory, InsufficientSpace,
    NotDirectory, NotEmpty, NotRecoverable, Unsupported, NoTty, NoSuchDevice, Overflow, NotPermitted,
    Pipe, ReadOnly, InvalidSeek, TextFileBusy, CrossDevice,
}

public sealed class FilesystemException(FilesystemErrorCode code, string? message = null)
    : Exception(message ?? FilesystemErrors.WitName(code))
{
    public FilesystemErrorCode Code { get; } = code;
}

public static class FilesystemErrors
{
    private static readonly string[] Names = Enum.GetValues<FilesystemErrorCode>().Select(Kebab).ToArray();

    /// <summary>The WIT enum case, e.g. <c>no-entry</c>.</summary>
    public static string WitName(FilesystemErrorCode code) => Names[(int)code];

    /// <summary>Linux errno values (the only platform we host on) to WASI codes.</summary>
    public static FilesystemErrorCode FromErrno(int errno) => errno switch
    {
        1 => FilesystemErrorCode.NotPermitted,       // EPERM
        2 => FilesystemErrorCode.NoEntry,            // ENOENT
        4 => FilesystemErrorCode.Interrupted,        // EINTR
        5 => FilesystemErrorCode.Io,                 // EIO
        6 => FilesystemErrorCode.NoSuchDevice,       // ENXIO
        9 => FilesystemErrorCode.BadDescriptor,      // EBADF
        11 => FilesystemErrorCode.WouldBlock,        // EAGAIN
        12 => FilesystemErrorCode.InsufficientMemory,// ENOMEM
        13 => FilesystemErrorCode.Access,            // EACCES
        16 => FilesystemErrorCode.Busy,              // EBUSY
        17 => FilesystemErrorCode.Exist,             // EEXIST
        18 => FilesystemErrorCode.CrossDevice,       // EXDEV
        19 => FilesystemErrorCode.NoDevice,          // ENODEV
        20 => FilesystemErrorCode.NotDirectory,      // ENOTDIR
        21 => FilesystemErrorCode.IsDirectory,       // EISDIR
        22 => FilesystemErrorCode.Invalid,           // EINVAL
        26 => FilesystemErrorCode.TextFileBusy,      // ETXTBSY
        27 => FilesystemErrorCode.FileTooLarge,      // EFBIG
        28 => FilesystemErrorCode.InsufficientSpace, // ENOSPC
        29 => FilesystemErrorCode.InvalidSeek,       // ESPIPE
        30 => FilesystemErrorCode.ReadOnly,          // EROFS
        31 => FilesystemErrorCode.TooManyLinks,      // EMLINK
        32 => FilesystemErrorCode.Pipe,              // EPIPE
        35 => FilesystemErrorCode.Deadlock,          // EDEADLK
        36 => FilesystemErrorCode.NameTooLong,       // ENAMETOOLONG
        37 => FilesystemErrorCode.NoLock,            // ENOLCK
        38 => FilesystemErrorCode.Unsupported,       // ENOSYS
        39 => FilesystemErrorCode.NotEmpty,          // ENOTEMPTY
        40 => FilesystemErrorCode.Loop,              // ELOOP
        75 => FilesystemErrorCode.Overflow,          // EOVERFLOW
        84 => FilesystemErrorCode.IllegalByteSequence, // EILSEQ
        90 => FilesystemErrorCode.MessageSize,       // EMSGSIZE
        95 => FilesystemErrorCode.Unsupported,       // EOPNOTSUPP
        114 => FilesystemErrorCode.Already,          // EALREADY
        115 => FilesystemErrorCode.InProgress,       // EINPROGRESS
        122 => FilesystemErrorCode.Quota,            // EDQUOT
        131 => FilesystemErrorCode.NotRecoverable,   // ENOTRECOVERABLE
        _ => FilesystemErrorCode.Io,
    };

    /// <summary>The WASI code for an exception thrown by .NET's file APIs.</summary>
    public static FilesystemErrorCode FromException(Exception e) => e switch
    {
        FilesystemException f => f.Code,
        FileNotFoundException or DirectoryNotFoundException => FilesystemErrorCode.NoEntry,
        UnauthorizedAccessException => FilesystemErrorCode.Access,
        PathTooLongException => FilesystemErrorCode.NameTooLong,
        // On Unix, .NET puts the raw errno into HResult for the IO errors it has no exception type for.
        IOException io when io.HResult is > 0 and < 4096 => FromErrno(io.HResult),
        _ => FilesystemErrorCode.Io,
    };

    private static string Kebab(FilesystemErrorCode code)
    {
        var name = code.ToString();
        var sb = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) sb.Append('-');
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }
}
