using System.Text;

namespace Lattice.Wasm.Native;

internal static unsafe class NativeError
{
    /// <summary>Reads and frees a <c>wasmtime_error_t</c>.</summary>
    public static string Take(IntPtr error, out int? exitStatus)
    {
        int status;
        exitStatus = Api.wasmtime_error_exit_status(error, &status) != 0 ? status : null;
        ByteVec message;
        Api.wasmtime_error_message(error, &message);
        var text = Encoding.UTF8.GetString(message.Span);
        Api.wasm_byte_vec_delete(&message);
        Api.wasmtime_error_delete(error);
        return text;
    }

    public static string Take(IntPtr error) => Take(error, out _);

    /// <summary>Makes a <c>wasmtime_error_t</c> for returning from a host callback.</summary>
    public static IntPtr New(string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message + "\0");
        fixed (byte* p = bytes) return Api.wasmtime_error_new(p);
    }

    public static string Utf8(byte* data, nuint len) => Encoding.UTF8.GetString(data, checked((int)len));
}
