using System.Diagnostics;

namespace Lattice.Benchmarks;

/// <summary>Latency distribution of one operation: each call timed on its own, after a warm-up.</summary>
internal sealed record Measurement(string Name, double P50Micros, double P99Micros, int Samples)
{
    public static Measurement Of(string name, int iterations, Action op, int warmup = -1)
    {
        for (var i = 0; i < (warmup < 0 ? Math.Max(10, iterations / 10) : warmup); i++) op();
        var ticks = new long[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            op();
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }
        Array.Sort(ticks);
        double Micros(long t) => t * 1_000_000.0 / Stopwatch.Frequency;
        return new Measurement(name, Micros(ticks[iterations / 2]), Micros(ticks[Math.Min(iterations - 1, (int)(iterations * 0.99))]), iterations);
    }
}
