namespace Lattice.Tests.Wasi;

/// <summary>wasi:random through wasi-libc's getentropy.</summary>
public sealed class WasiRandomSpec
{
    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(1000)]
    public void Random_bytes_have_the_requested_length(int n)
    {
        var run = WasiTestbed.RunCommand(WasiTestbed.Fixture("wasiprobe.wasm"), args: ["probe", "random", n.ToString()]);

        Assert.Equal($"{n} bytes, ok\n", run.Stdout);
        Assert.Equal(0, run.ExitCode);
    }
}
