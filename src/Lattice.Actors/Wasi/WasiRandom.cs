// wasi:random: random, insecure and insecure-seed.
//
// Both the secure and the insecure interface draw from the OS's cryptographic generator: it is fast
// enough, and then no guest can ever be handed predictable numbers by mistake. The insecure seed is
// fixed per store, because WASI intends it to be read once to key a hash map.
using System.Security.Cryptography;
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Wasi;

internal static class WasiRandom
{
    public static void Define(ComponentLinker linker)
    {
        var random = linker.Instance(WasiHost.Interface("random", "random"));
        random.Func("get-random-bytes", (call, args) => WitValue.Bytes(Bytes(call, args[0].AsU64())));
        random.Func("get-random-u64", (_, _) => WitValue.U64(U64()));

        var insecure = linker.Instance(WasiHost.Interface("random", "insecure"));
        insecure.Func("get-insecure-random-bytes", (call, args) => WitValue.Bytes(Bytes(call, args[0].AsU64())));
        insecure.Func("get-insecure-random-u64", (_, _) => WitValue.U64(U64()));

        var seed = linker.Instance(WasiHost.Interface("random", "insecure-seed"));
        seed.Func("insecure-seed", (call, _) =>
        {
            var (a, b) = WasiStoreState.Of(call.Store).InsecureSeed;
            return WitValue.Tuple(WitValue.U64(a), WitValue.U64(b));
        });
    }

    private static byte[] Bytes(HostCall call, ulong len)
    {
        // More than the guest's memory limit could never be received: refuse before allocating it.
        if (len > (ulong)call.Store.Limits.MemoryBytes)
            throw new InvalidOperationException($"wasi:random: {len} random bytes requested, more than the instance's memory limit");
        return RandomNumberGenerator.GetBytes((int)Math.Min(len, int.MaxValue));
    }

    public static ulong U64()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToUInt64(bytes);
    }
}
