namespace Lattice.Tests.Wasi;

/// <summary>wasi:sockets links, and grants nothing: every attempt answers access-denied.</summary>
public sealed class WasiSocketsSpec
{
    private const uint AccessDenied = 1; // index of access-denied in wasi:sockets/network.error-code

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    [InlineData("lookup")]
    public void Creating_a_socket_or_resolving_a_name_is_denied(string export)
    {
        using var store = new Lattice.Wasm.ComponentStore(WasiTestbed.Engine);
        var instance = WasiTestbed.Instantiate(WasiTestbed.Fixture("sockets.wasm"), new Lattice.Wasi.WasiContext(), store);

        var answer = instance.GetFunction("", export).Call()!.AsU32();

        Assert.Equal(AccessDenied, answer);
        Assert.False(store.IsDead);
    }
}
