using Lattice.Wasi;
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Tests.Wasi;

/// <summary>What one run of a WASI command produced.</summary>
internal sealed record CommandRun(int ExitCode, string Stdout, string Stderr, ComponentTrapException? Trap)
{
    public override string ToString() => $"exit {ExitCode}; stdout: {Stdout}; stderr: {Stderr}; trap: {Trap?.Message}";
}

/// <summary>
/// One engine, cache and WASI linker for the WASI tests (they are shared by design: linking is done
/// once, every test gets its own store), and the way to run a command component on them.
/// </summary>
internal static class WasiTestbed
{
    public static WasmEngine Engine => Lattice.Tests.Wasm.WasmHost.Engine;

    public static ComponentCache Cache => Lattice.Tests.Wasm.WasmHost.Cache;

    public static ComponentLinker Linker { get; } = CreateLinker();

    public static string RepoRoot => TestPaths.RepoRoot;

    /// <summary>A fixture of this folder (built by fixtures/build.sh).</summary>
    public static string Fixture(string name) => Path.Combine(RepoRoot, "tests", "Lattice.Actors.Tests", "Wasi", "fixtures", name);

    /// <summary>The repository-wide hello fixture (tests/fixtures/c/hello.wasm).</summary>
    public static string HelloFixture => Path.Combine(RepoRoot, "tests", "fixtures", "c", "hello.wasm");

    public static ComponentInstance Instantiate(string componentPath, WasiContext context, ComponentStore store)
    {
        store.SetFeature(context);
        return Linker.Instantiate(store, Cache.LoadFile(componentPath));
    }

    /// <summary>Runs a command's <c>wasi:cli/run</c> export (at whatever 0.2 version it exports) to its end.</summary>
    public static CommandRun RunCommand(string componentPath, IReadOnlyList<string>? args = null,
        IReadOnlyDictionary<string, string>? env = null, IReadOnlyList<WasiPreopen>? preopens = null, InstanceLimits? limits = null)
    {
        var stdout = new CapturedOutput();
        var stderr = new CapturedOutput();
        var context = new WasiContext
        {
            Args = args ?? ["command"],
            Environment = env ?? new Dictionary<string, string>(),
            Preopens = preopens ?? [],
            Stdout = stdout,
            Stderr = stderr,
        };
        using var store = new ComponentStore(Engine, limits);
        var instance = Instantiate(componentPath, context, store);
        var run = instance.Component.World.Exports.OfType<WorldInterface>().First(i => i.Name.StartsWith("wasi:cli/run@", StringComparison.Ordinal));
        int code;
        ComponentTrapException? trap = null;
        try
        {
            var result = (WitResult)instance.GetFunction(run.Name, "run").Call()!;
            code = result.IsOk ? 0 : 1;
        }
        catch (ComponentExitException e) { code = e.Status; }
        catch (ComponentTrapException e) { code = -1; trap = e; }
        return new CommandRun(code, stdout.Text, stderr.Text, trap);
    }

    private static ComponentLinker CreateLinker()
    {
        var linker = new ComponentLinker(Engine);
        WasiHost.AddTo(linker);
        return linker;
    }
}

/// <summary>A temporary directory for one test, deleted afterwards.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory()
    {
        Path = Directory.CreateTempSubdirectory("lattice-wasi-").FullName;
    }

    public string Path { get; }

    public string File(string relative, string? content = null)
    {
        var full = System.IO.Path.Combine(Path, relative);
        if (content is not null)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            System.IO.File.WriteAllText(full, content);
        }
        return full;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { /* best effort */ }
    }
}
