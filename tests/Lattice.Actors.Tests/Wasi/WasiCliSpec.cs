using Lattice.Wasi;
using Lattice.Wasm;

namespace Lattice.Tests.Wasi;

/// <summary>wasi:cli on our host: arguments, environment, stdio and exit, seen by real guests.</summary>
public sealed class WasiCliSpec
{
    private static string Probe => WasiTestbed.Fixture("wasiprobe.wasm");

    [Fact]
    public void Stdout_and_stderr_are_captured_separately()
    {
        var run = WasiTestbed.RunCommand(WasiTestbed.HelloFixture, args: ["hello"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("hello from lattice\n", run.Stdout);
        Assert.Equal("to stderr\n", run.Stderr);
    }

    [Fact]
    public void A_component_importing_wasi_0_2_12_links_against_our_host()
    {
        // hello.wasm imports every interface @0.2.12; the corpus covers 0.2.0, 0.2.1 and 0.2.3.
        var component = WasiTestbed.Cache.LoadFile(WasiTestbed.HelloFixture);
        Assert.Contains(component.World.Imports, i => i.Name == "wasi:cli/stdout@0.2.12");
        Assert.Equal(0, WasiTestbed.RunCommand(WasiTestbed.HelloFixture).ExitCode);
    }

    [Fact]
    public void Arguments_reach_the_guest_and_a_failing_main_exits_with_status_1()
    {
        var run = WasiTestbed.RunCommand(WasiTestbed.HelloFixture, args: ["hello", "a", "b c", "🚩"]);

        Assert.Equal("hello from lattice\na\nb c\n🚩\n", run.Stdout);
        // main returned 3; the preview1 adapter turns any non-zero status into exit(err), i.e. 1.
        Assert.Equal(1, run.ExitCode);
        Assert.Null(run.Trap);
    }

    [Fact]
    public void Exit_surfaces_as_ComponentExitException_with_the_status()
    {
        using var store = new ComponentStore(WasiTestbed.Engine);
        var instance = WasiTestbed.Instantiate(WasiTestbed.HelloFixture, new WasiContext { Args = ["hello", "x"] }, store);

        var e = Assert.Throws<ComponentExitException>(() => instance.GetFunction("wasi:cli/run@0.2.12", "run").Call());

        Assert.Equal(1, e.Status);
        Assert.Equal(TrapKind.Exit, e.Kind);
        Assert.Equal("Exited with i32 exit status 1", e.Message);
        Assert.Equal(1, store.ExitStatus);
    }

    [Fact]
    public void The_environment_is_exactly_what_the_context_grants()
    {
        var env = new Dictionary<string, string> { ["GREETING"] = "hi there", ["EMPTY"] = "" };
        var run = WasiTestbed.RunCommand(Probe, args: ["probe", "env"], env: env);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["EMPTY=", "GREETING=hi there"], run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
    }

    [Fact]
    public void No_environment_is_granted_by_default()
    {
        var run = WasiTestbed.RunCommand(Probe, args: ["probe", "env"]);

        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void Stdin_is_empty()
    {
        var run = WasiTestbed.RunCommand(Probe, args: ["probe", "stdin"]);

        Assert.Equal("stdin 0 bytes, eof\n", run.Stdout);
    }

    [Fact]
    public void A_store_without_a_WasiContext_fails_with_a_clear_message()
    {
        using var store = new ComponentStore(WasiTestbed.Engine);
        var instance = WasiTestbed.Linker.Instantiate(store, WasiTestbed.Cache.LoadFile(WasiTestbed.HelloFixture));

        var e = Assert.ThrowsAny<ComponentTrapException>(() => instance.GetFunction("wasi:cli/run@0.2.12", "run").Call());

        Assert.Contains("WasiContext", e.Message);
    }
}
