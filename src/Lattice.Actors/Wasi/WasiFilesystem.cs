// wasi:filesystem/types and /preopens: the WIT surface over Descriptor and DirectoryDescriptor.
//
// Only directories the WasiContext grants exist for the guest (no grant, no filesystem). Every
// failure a guest can cause — bad paths, escapes, missing files, writes to a read-only grant, OS
// errors — comes back as `err(error-code)`, never as a trap. File-only methods on a directory (and
// the reverse) answer the POSIX error (`is-directory`, `not-directory`).
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Wasi;

public static class WasiFilesystem
{
    /// <summary><c>wasi:filesystem/types.descriptor</c>.</summary>
    public static readonly HostResourceType DescriptorResource = new("descriptor");

    /// <summary><c>wasi:filesystem/types.directory-entry-stream</c>.</summary>
    public static readonly HostResourceType DirectoryEntryStreamResource = new("directory-entry-stream");

    private static readonly string[] DescriptorFlagNames =
        ["read", "write", "file-integrity-sync", "data-integrity-sync", "requested-write-sync", "mutate-directory"];

    internal static void Define(ComponentLinker linker)
    {
        var types = linker.Instance(WasiHost.Interface("filesystem", "types"));
        types.Resource("descriptor", DescriptorResource);
        types.Resource("directory-entry-stream", DirectoryEntryStreamResource);

        Method(types, "read-via-stream", (t, d, a) => WasiStreams.Own(t, AsFile(d).ReadStream(a[1].AsU64())));
        Method(types, "write-via-stream", (t, d, a) => WasiStreams.Own(t, AsFile(d).WriteStream(a[1].AsU64(), append: false)));
        Method(types, "append-via-stream", (t, d, _) => WasiStreams.Own(t, AsFile(d).WriteStream(0, append: true)));
        Method(types, "advise", (_, d, _) => { AsFile(d); return null; }); // advice is only a hint
        Method(types, "sync-data", (_, d, _) => { d.Sync(); return null; });
        Method(types, "sync", (_, d, _) => { d.Sync(); return null; });
        Method(types, "get-flags", (_, d, _) => Flags(d.Flags));
        Method(types, "get-type", (_, d, _) => WitValue.Enum(TypeName(d.Stat().Type)));
        Method(types, "set-size", (_, d, a) => { AsFile(d).SetSize(a[1].AsU64()); return null; });
        Method(types, "set-times", (_, d, a) => { d.SetTimes(NewTimestamp(a[1]), NewTimestamp(a[2])); return null; });
        Method(types, "read", (_, d, a) =>
        {
            var (data, end) = AsFile(d).Read(a[1].AsU64(), a[2].AsU64());
            return WitValue.Tuple(WitValue.Bytes(data), WitValue.Bool(end));
        });
        Method(types, "write", (_, d, a) => WitValue.U64(AsFile(d).Write(a[1].AsBytes().Span, a[2].AsU64())));
        Method(types, "read-directory", (t, d, _) => t.Own(DirectoryEntryStreamResource, AsDir(d).ReadDirectory()));
        Method(types, "create-directory-at", (_, d, a) => { AsDir(d).CreateDirectoryAt(a[1].AsString()); return null; });
        Method(types, "stat", (_, d, _) => Stat(d.Stat()));
        Method(types, "stat-at", (_, d, a) => Stat(AsDir(d).StatAt(Follow(a[1]), a[2].AsString())));
        Method(types, "set-times-at", (_, d, a) =>
        {
            AsDir(d).SetTimesAt(Follow(a[1]), a[2].AsString(), NewTimestamp(a[3]), NewTimestamp(a[4]));
            return null;
        });
        Method(types, "link-at", (t, d, a) =>
        {
            AsDir(d).LinkAt(Follow(a[1]), a[2].AsString(), AsDir(Get(t, a[3])), a[4].AsString());
            return null;
        });
        Method(types, "open-at", (t, d, a) =>
        {
            var opened = AsDir(d).OpenAt(Follow(a[1]), a[2].AsString(), OpenFlagsOf(a[3]), DescriptorFlagsOf(a[4]));
            return t.Own(DescriptorResource, opened);
        });
        Method(types, "readlink-at", (_, d, a) => WitValue.String(AsDir(d).ReadlinkAt(a[1].AsString())));
        Method(types, "remove-directory-at", (_, d, a) => { AsDir(d).RemoveDirectoryAt(a[1].AsString()); return null; });
        Method(types, "rename-at", (t, d, a) =>
        {
            AsDir(d).RenameAt(a[1].AsString(), AsDir(Get(t, a[2])), a[3].AsString());
            return null;
        });
        Method(types, "symlink-at", (_, d, a) => { AsDir(d).SymlinkAt(a[1].AsString(), a[2].AsString()); return null; });
        Method(types, "unlink-file-at", (_, d, a) => { AsDir(d).UnlinkFileAt(a[1].AsString()); return null; });
        Method(types, "metadata-hash", (_, d, _) => Hash(d.Stat()));
        Method(types, "metadata-hash-at", (_, d, a) => Hash(AsDir(d).StatAt(Follow(a[1]), a[2].AsString())));

        // No error type: an object that cannot be examined is not the same as anything.
        types.Func("[method]descriptor.is-same-object", (call, args) =>
        {
            var self = Get(call.Resources, args[0]);
            var other = Get(call.Resources, args[1]);
            try { return WitValue.Bool(ReferenceEquals(self, other) || self.Stat().IsSameObject(other.Stat())); }
            catch (Exception e) when (IsFilesystemFailure(e)) { return WitValue.Bool(false); }
        });

        types.Func("[method]directory-entry-stream.read-directory-entry", (call, args) =>
        {
            var entries = call.Resources.Get<DirectoryEntryStream>(DirectoryEntryStreamResource, args[0]);
            return WitValue.Ok(entries.Next() is { } e
                ? WitValue.Some(WitValue.Record(("type", WitValue.Enum(TypeName(e.Type))), ("name", WitValue.String(e.Name))))
                : WitValue.None);
        });

        types.Func("filesystem-error-code", (call, args) =>
            WasiIoError.Get(call.Resources, args[0]).Detail is FilesystemErrorCode code
                ? WitValue.Some(WitValue.Enum(FilesystemErrors.WitName(code)))
                : WitValue.None);

        linker.Instance(WasiHost.Interface("filesystem", "preopens")).Func("get-directories", (call, _) =>
        {
            var list = new List<WitValue>();
            foreach (var sandbox in WasiStoreState.Of(call.Store).Sandboxes)
            {
                var flags = DescriptorFlags.Read | (sandbox.ReadOnly ? DescriptorFlags.None : DescriptorFlags.MutateDirectory);
                var root = call.Resources.Own(DescriptorResource, new DirectoryDescriptor(sandbox, sandbox.Root, flags));
                list.Add(WitValue.Tuple(root, WitValue.String(sandbox.GuestPath)));
            }
            return WitValue.List(list);
        });
    }

    private delegate WitValue? DescriptorOp(ResourceTable table, Descriptor self, WitValue[] args);

    /// <summary>Defines <c>[method]descriptor.name</c>: its value becomes <c>ok</c>, any filesystem failure <c>err(code)</c>.</summary>
    private static void Method(LinkerInstance types, string name, DescriptorOp op) =>
        types.Func($"[method]descriptor.{name}", (call, args) =>
        {
            var self = Get(call.Resources, args[0]);
            try { return WitValue.Ok(op(call.Resources, self, args)); }
            catch (Exception e) when (IsFilesystemFailure(e))
            {
                return WitValue.Err(WitValue.Enum(FilesystemErrors.WitName(FilesystemErrors.FromException(e))));
            }
        });

    private static bool IsFilesystemFailure(Exception e) =>
        e is FilesystemException or IOException or UnauthorizedAccessException or NotSupportedException;

    private static Descriptor Get(ResourceTable table, WitValue handle) => table.Get<Descriptor>(DescriptorResource, handle);

    private static FileDescriptor AsFile(Descriptor d) =>
        d as FileDescriptor ?? throw new FilesystemException(FilesystemErrorCode.IsDirectory);

    private static DirectoryDescriptor AsDir(Descriptor d) =>
        d as DirectoryDescriptor ?? throw new FilesystemException(FilesystemErrorCode.NotDirectory);

    private static bool Follow(WitValue pathFlags) => pathFlags is WitFlags f && f.Set.Contains("symlink-follow");

    private static OpenFlags OpenFlagsOf(WitValue v)
    {
        var flags = OpenFlags.None;
        if (v is not WitFlags f) return flags;
        foreach (var name in f.Set)
        {
            flags |= name switch
            {
                "create" => OpenFlags.Create,
                "directory" => OpenFlags.Directory,
                "exclusive" => OpenFlags.Exclusive,
                "truncate" => OpenFlags.Truncate,
                _ => OpenFlags.None,
            };
        }
        return flags;
    }

    private static DescriptorFlags DescriptorFlagsOf(WitValue v)
    {
        var flags = DescriptorFlags.None;
        if (v is not WitFlags f) return flags;
        foreach (var name in f.Set)
        {
            var i = Array.IndexOf(DescriptorFlagNames, name);
            if (i >= 0) flags |= (DescriptorFlags)(1 << i);
        }
        return flags;
    }

    private static WitValue Flags(DescriptorFlags flags)
    {
        var set = new List<string>();
        for (var i = 0; i < DescriptorFlagNames.Length; i++)
            if (((int)flags & (1 << i)) != 0) set.Add(DescriptorFlagNames[i]);
        return WitValue.Flags([.. set]);
    }

    private static Timespec NewTimestamp(WitValue v)
    {
        var variant = (WitVariant)v;
        return variant.Case switch
        {
            "no-change" => Timespec.Omit,
            "now" => Timespec.Now,
            "timestamp" => Timestamp((WitRecord)variant.Payload!),
            _ => throw new FilesystemException(FilesystemErrorCode.Invalid),
        };
    }

    private static Timespec Timestamp(WitRecord datetime)
    {
        var seconds = datetime["seconds"].AsU64();
        var nanos = datetime["nanoseconds"].AsU32();
        if (seconds > long.MaxValue || nanos >= 1_000_000_000) throw new FilesystemException(FilesystemErrorCode.Invalid);
        return new Timespec((long)seconds, nanos);
    }

    private static WitValue Stat(FileStat st) => WitValue.Record(
        ("type", WitValue.Enum(TypeName(st.Type))),
        ("link-count", WitValue.U64(st.LinkCount)),
        ("size", WitValue.U64(st.Size)),
        ("data-access-timestamp", Datetime(st.Accessed)),
        ("data-modification-timestamp", Datetime(st.Modified)),
        ("status-change-timestamp", Datetime(st.StatusChanged)));

    // WASI's datetime cannot express times before 1970: such a time is reported as unknown.
    private static WitValue Datetime(FileTimestamp t) =>
        t.Seconds < 0 ? WitValue.None : WitValue.Some(WasiClocks.Datetime((ulong)t.Seconds, t.Nanoseconds));

    private static WitValue Hash(FileStat st)
    {
        var (lower, upper) = st.MetadataHash();
        return WitValue.Record(("lower", WitValue.U64(lower)), ("upper", WitValue.U64(upper)));
    }

    private static string TypeName(DescriptorType type) => type switch
    {
        DescriptorType.BlockDevice => "block-device",
        DescriptorType.CharacterDevice => "character-device",
        DescriptorType.Directory => "directory",
        DescriptorType.Fifo => "fifo",
        DescriptorType.SymbolicLink => "symbolic-link",
        DescriptorType.RegularFile => "regular-file",
        DescriptorType.Socket => "socket",
        _ => "unknown",
    };
}
