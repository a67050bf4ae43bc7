// Our component binding against the managed Wasmtime.Components API, in one process, on the same
// component (tests/fixtures/wat/bench.wasm). Prints p50/p99 per operation and the managed/ours ratio
// of the medians (> 1 means ours is faster). Machines here are noisy: compare ratios, not absolutes.
//
//   dotnet run --project tests/Lattice.Benchmarks -c Release [-- --quick]
// Other modes: `--lattice` (routed calls and cross-host, LatticeBench.cs), `--kv` (key-value per backend, KeyValueBench.cs),
// `--wrpc` (a wRPC call through a `lattice up --nats` host vs raw NATS request/reply, WrpcBench.cs).
using Lattice.Benchmarks;

var quick = args.Contains("--quick");
var repo = FindRepo();
if (args.Contains("--kv"))
{
    await KeyValueBench.RunAsync(repo, quick);
    return;
}
if (args.Contains("--wrpc"))
{
    await WrpcBench.RunAsync(repo, quick);
    return;
}
if (args.Contains("--lattice"))
{
    await LatticeBench.RunAsync(repo, quick);
    return;
}
var bench = Path.Combine(repo, "tests", "fixtures", "wat", "bench.wasm");
var scale = quick ? 10 : 1;

var payload = new byte[64 * 1024];
Random.Shared.NextBytes(payload);

// Measured before our engine exists: creating it raises glibc's mmap threshold for the whole process
// (see Wasm/Native/Malloc.cs), which also speeds up the managed API's large-list path.
using var managed = new ManagedRunner(bench);
var managedUntuned = Measurement.Of("64 KiB list<u8> echo, default malloc", Math.Max(20, 100 / scale), () => managed.EchoBytes(payload), warmup: 5);
using var ours = new OursRunner(bench);
const string text = "The quick brown fox jumps over the lazy dog, 0123456789 — ünïcødé ✓";

var rows = new List<(Measurement Ours, Measurement Managed, string Target)>
{
    (Measurement.Of("u32 add", 200_000 / scale, ours.Add), Measurement.Of("u32 add", 200_000 / scale, managed.Add), "no slower"),
    (Measurement.Of("string echo", 100_000 / scale, () => ours.EchoString(text)), Measurement.Of("string echo", 100_000 / scale, () => managed.EchoString(text)), "no slower"),
    (Measurement.Of("64 KiB list<u8> echo", 2_000 / scale, () => ours.EchoBytes(payload)), Measurement.Of("64 KiB list<u8> echo", Math.Max(20, 100 / scale), () => managed.EchoBytes(payload), warmup: 5), ">= 100x faster"),
    (Measurement.Of("64 KiB list<u8>: our marshalling only", 2_000 / scale, () => ours.MarshalBytesOnly(payload)), Measurement.Of("64 KiB list<u8>: managed marshalling only", Math.Max(20, 100 / scale), () => ManagedRunner.MarshalBytesOnly(payload), warmup: 5), "(where the time goes)"),
    (Measurement.Of("fresh store + instantiate + first call", 5_000 / scale, ours.FreshInstanceCall), Measurement.Of("fresh store + instantiate + first call", 5_000 / scale, managed.FreshInstanceCall), "p50 <= 100 us"),
    (Measurement.Of("load precompiled artifact", 500 / scale, ours.LoadPrecompiled), Measurement.Of("load precompiled artifact", 500 / scale, managed.LoadPrecompiled), "milliseconds"),
};

Console.WriteLine($"Lattice.Benchmarks — component binding vs managed Wasmtime.Components (Wasmtime 50.0.1), {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}");
Console.WriteLine();
Console.WriteLine("| operation | ours p50 (µs) | ours p99 (µs) | managed p50 (µs) | managed p99 (µs) | managed/ours (p50) | target |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---|");
foreach (var (o, m, target) in rows)
    Console.WriteLine($"| {o.Name} | {o.P50Micros:F2} | {o.P99Micros:F2} | {m.P50Micros:F2} | {m.P99Micros:F2} | {m.P50Micros / o.P50Micros:F2}x | {target} |");
var echo = rows[2].Ours;
Console.WriteLine($"| 64 KiB list<u8> echo vs managed in an untuned process | {echo.P50Micros:F2} | {echo.P99Micros:F2} | {managedUntuned.P50Micros:F2} | {managedUntuned.P99Micros:F2} | {managedUntuned.P50Micros / echo.P50Micros:F2}x | >= 100x faster |");

static string FindRepo()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "LatticeActors.sln"))) return dir.FullName;
    throw new InvalidOperationException("run from inside the repository");
}
