// wasi:io/error: the error resource a failed stream operation hands back.
//
// WASI keeps the error opaque (a debug string) and lets each interface that knows more recover a
// typed code from it: `wasi:filesystem/types.filesystem-error-code`, later
// `wasi:http/types.http-error-code`. So an IoError carries an optional Detail that those
// functions look for, e.g. a FilesystemErrorCode.
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Wasi;

/// <summary>The object behind a <c>wasi:io/error.error</c> handle.</summary>
public sealed class IoError(string message, object? detail = null)
{
    public string Message { get; } = message;

    /// <summary>A typed code for the interface that produced the error (e.g. <see cref="FilesystemErrorCode"/>).</summary>
    public object? Detail { get; } = detail;

    public override string ToString() => Message;
}

public static class WasiIoError
{
    /// <summary><c>wasi:io/error.error</c>.</summary>
    public static readonly HostResourceType ErrorType = new("error");

    public static WitResource Own(ResourceTable table, IoError error) => table.Own(ErrorType, error);

    public static IoError Get(ResourceTable table, WitValue handle) => table.Get<IoError>(ErrorType, handle);

    internal static void Define(ComponentLinker linker)
    {
        var error = linker.Instance(WasiHost.Interface("io", "error"));
        error.Resource("error", ErrorType);
        error.Func("[method]error.to-debug-string", (call, args) => WitValue.String(Get(call.Resources, args[0]).Message));
    }
}
