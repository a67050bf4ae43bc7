// Our WASI 0.2 host: every interface of the 0.2 `wasi:cli/command` world, implemented in C# over
// one resource table per store.
//
// Why our own instead of Wasmtime's built-in WASI: wasi:http hands out the same wasi:io streams
// and pollables, so all of them must live in one table we control; and every capability must be
// deniable per instance (see WasiContext: nothing is granted by default).
//
// Versions: each interface is defined once, at the newest 0.2 patch (0.2.12). Wasmtime looks an
// import up by its exact name, then by its semver track (`@0.2`), in either direction: measured,
// imports at 0.2.0, 0.2.1, 0.2.3 and 0.2.12 all link to these definitions (and would even to a
// definition at 0.2.0). A component importing two patches at once (wasi:io/poll@0.2.0 and @0.2.1)
// gets the same resource types for both. Defining the newest patch is what makes functions added
// later (cli/exit.exit-with-code, 0.2.12) available; older components simply do not import them.
using Lattice.Wasm;

namespace Lattice.Wasi;

public static class WasiHost
{
    /// <summary>The 0.2 patch version every interface is defined at.</summary>
    public const string Version = "0.2.12";

    /// <summary>The full name of a WASI interface at our version, e.g. <c>wasi:io/streams@0.2.12</c>.</summary>
    public static string Interface(string package, string name) => $"wasi:{package}/{name}@{Version}";

    /// <summary>Defines every WASI 0.2 interface on <paramref name="linker"/>.</summary>
    public static void AddTo(ComponentLinker linker)
    {
        WasiIoError.Define(linker);
        WasiPoll.Define(linker);
        WasiStreams.Define(linker);
        WasiClocks.Define(linker);
        WasiRandom.Define(linker);
        WasiCli.Define(linker);
        WasiFilesystem.Define(linker);
        WasiSockets.Define(linker);
        Http.WasiHttp.Define(linker);
    }
}
