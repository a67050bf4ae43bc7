namespace Lattice.Node.Tests;

public class CallCommandSpec
{
    private const string Iface = "lattice:fixtures/types";
    private static readonly string Types = TestPaths.Fixture("wat/types.wasm");
    private static readonly string Loop = TestPaths.Fixture("wat/loop.wasm");

    private static LatticeResult Call(string wasm, string function, params string[] args) =>
        LatticeProcess.Run(["call", "--wasm", wasm, function, .. args]);

    [Theory]
    [InlineData("echo-bool", "true", "true")]
    [InlineData("echo-s8", "-128", "-128")]
    [InlineData("echo-u8", "255", "255")]
    [InlineData("echo-s16", "-32768", "-32768")]
    [InlineData("echo-u16", "65535", "65535")]
    [InlineData("echo-s32", "-2147483648", "-2147483648")]
    [InlineData("echo-u32", "4294967295", "4294967295")]
    [InlineData("echo-s64", "\"-9223372036854775808\"", "\"-9223372036854775808\"")]
    [InlineData("echo-s64", "-5", "-5")]
    [InlineData("echo-u64", "\"18446744073709551615\"", "\"18446744073709551615\"")]
    [InlineData("echo-f32", "1.2", "1.2")]
    [InlineData("echo-f32", "\"NaN\"", "\"NaN\"")]
    [InlineData("echo-f64", "-0.1", "-0.1")]
    [InlineData("echo-f64", "\"-Infinity\"", "\"-Infinity\"")]
    [InlineData("echo-char", "\"x\"", "\"x\"")]
    [InlineData("echo-char", "\"\\ud83d\\udea9\"", "\"\\uD83D\\uDEA9\"")]
    [InlineData("echo-string", "\"héllo, \\\"world\\\"\"", "\"héllo, \\\"world\\\"\"")]
    [InlineData("echo-bytes", "[0,1,255]", "[0,1,255]")]
    [InlineData("echo-list", "[\"a\",\"\",\"c\"]", "[\"a\",\"\",\"c\"]")]
    [InlineData("echo-record", "{\"label\":\"p\",\"x\":1,\"y\":-2}", "{\"x\":1,\"y\":-2,\"label\":\"p\"}")]
    [InlineData("echo-tuple", "[7,\"t\",2.5]", "[7,\"t\",2.5]")]
    [InlineData("echo-variant", "{\"tag\":\"circle\",\"val\":1.5}", "{\"tag\":\"circle\",\"val\":1.5}")]
    [InlineData("echo-variant", "{\"tag\":\"rect\",\"val\":{\"x\":1,\"y\":2,\"label\":\"r\"}}", "{\"tag\":\"rect\",\"val\":{\"x\":1,\"y\":2,\"label\":\"r\"}}")]
    [InlineData("echo-variant", "{\"tag\":\"empty\"}", "{\"tag\":\"empty\"}")]
    [InlineData("echo-enum", "\"blue\"", "\"blue\"")]
    [InlineData("echo-option", "null", "null")]
    [InlineData("echo-option", "\"some\"", "\"some\"")]
    [InlineData("echo-result", "{\"ok\":3}", "{\"ok\":3}")]
    [InlineData("echo-result", "{\"err\":\"bad\"}", "{\"err\":\"bad\"}")]
    [InlineData("echo-flags", "[\"exec\",\"read\"]", "[\"read\",\"exec\"]")]
    [InlineData("echo-flags", "[]", "[]")]
    public void Echoes_every_wit_type_through_json(string function, string json, string expected) =>
        CliAssert.Printed(expected, Call(Types, $"{Iface}.{function}", json));

    [Fact]
    public void Takes_several_arguments() => CliAssert.Printed("5", Call(Types, $"{Iface}.add", "2", "3"));

    [Fact]
    public void Prints_null_for_a_function_without_result() => CliAssert.Printed("null", Call(Types, $"{Iface}.nothing"));

    [Fact]
    public void Accepts_the_hash_notation() => CliAssert.Printed("5", Call(Types, $"{Iface}#add", "2", "3"));

    [Fact]
    public void Calls_a_root_export() => CliAssert.Printed("7", Call(Loop, "ok"));

    [Fact]
    public void Rejects_bad_json() =>
        CliAssert.FailedWith("argument 1 (v): invalid JSON", Call(Types, $"{Iface}.echo-u32", "{"), exitCode: 2);

    [Fact]
    public void Rejects_json_of_the_wrong_type_with_its_path() =>
        CliAssert.FailedWith("argument 1 (v), field 'x': expected an integer in s32 range, got \"abc\"",
            Call(Types, $"{Iface}.echo-record", "{\"x\":\"abc\",\"y\":1,\"label\":\"\"}"), exitCode: 2);

    [Fact]
    public void Rejects_an_out_of_range_integer() =>
        CliAssert.FailedWith("expected an integer in u8 range, got 256", Call(Types, $"{Iface}.echo-u8", "256"), exitCode: 2);

    [Fact]
    public void Rejects_the_wrong_number_of_arguments() =>
        CliAssert.FailedWith("takes 2 argument(s) (a: u32, b: u32), got 1", Call(Types, $"{Iface}.add", "1"), exitCode: 2);

    [Fact]
    public void Lists_the_functions_of_an_interface_for_an_unknown_function()
    {
        var line = CliAssert.FailedWith("has no function 'nope'", Call(Types, $"{Iface}.nope"), exitCode: 2);
        Assert.Contains("echo-bool", line);
        Assert.Contains("add", line);
    }

    [Fact]
    public void Lists_the_exports_for_an_unknown_interface()
    {
        var line = CliAssert.FailedWith("no exported function 'nope:pkg/x.f'", Call(Types, "nope:pkg/x.f"), exitCode: 2);
        Assert.Contains($"{Iface}.echo-bool", line);
    }

    [Fact]
    public void Stops_a_call_at_its_deadline() =>
        CliAssert.FailedWith("deadline of 1 s exceeded", Call(Loop, "spin", "--timeout", "1"), exitCode: 1);

    [Fact]
    public void Reports_a_trap() =>
        CliAssert.FailedWith("unreachable", Call(TestPaths.Fixture("wat/unreachable.wasm"), "boom"), exitCode: 1);

    [Fact]
    public void Sends_guest_output_to_stderr_and_keeps_stdout_for_the_result()
    {
        var result = Call(TestPaths.Fixture("c/hello.wasm"), "wasi:cli/run@0.2.12.run", "--wasi-arg", "hello.wasm");
        CliAssert.Printed("{\"ok\":null}", result);
        Assert.Equal("hello from lattice\nto stderr\n", result.Stderr);
    }

    [Fact]
    public void Reports_a_guest_exit_as_an_error_with_its_status()
    {
        var result = Call(TestPaths.Fixture("c/hello.wasm"), "wasi:cli/run@0.2.12.run", "--wasi-arg", "hello.wasm", "--wasi-arg", "extra");
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Empty(result.Stdout);
        Assert.Equal(["hello from lattice", "extra", "to stderr", "error: component exited with status 1"], result.StderrLines);
    }

    [Fact]
    public void Reports_a_garbage_file_in_one_line()
    {
        using var garbage = new TempFile("this is not wasm\n");
        CliAssert.FailedWith("is not a WebAssembly component", Call(garbage.Path, "f"), exitCode: 1);
    }

    [Fact]
    public void Reports_a_core_module()
    {
        using var module = new TempFile("\0asm\u0001\0\0\0");
        CliAssert.FailedWith("core WebAssembly module, not a component", Call(module.Path, "f"), exitCode: 1);
    }

    [Fact]
    public void Reports_a_missing_file() =>
        CliAssert.FailedWith("no such file", Call("/nonexistent/x.wasm", "f"), exitCode: 1);

    [Fact]
    public void Reports_missing_imports_and_how_to_stub_them()
    {
        var line = CliAssert.FailedWith("cannot instantiate component", Call(TestPaths.Fixture("wat/resources.wasm"), "lattice:fixtures/guest.use-counter", "1"), exitCode: 1);
        Assert.Contains("--trap-unknown-imports", line);
    }

    [Fact]
    public void Stubbed_imports_trap_only_when_called() =>
        CliAssert.FailedWith("use-counter", LatticeProcess.Run("call", "--trap-unknown-imports", "--wasm", TestPaths.Fixture("wat/resources.wasm"), "lattice:fixtures/guest.use-counter", "1"), exitCode: 1);
}
