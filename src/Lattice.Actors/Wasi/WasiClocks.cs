// wasi:clocks: monotonic-clock and wall-clock.
//
// The monotonic clock is the process's Stopwatch in nanoseconds: only differences mean anything,
// which is all WASI promises. Its pollables are DeadlinePollables, so `poll` can wait on a timer
// together with streams. The wall clock is UTC since the Unix epoch, as WASI's datetime requires.
using System.Diagnostics;
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Wasi;

/// <summary>The clock behind <c>wasi:clocks/monotonic-clock</c>, in nanoseconds.</summary>
public static class MonotonicClock
{
    public static ulong Now() => (ulong)((Int128)Stopwatch.GetTimestamp() * 1_000_000_000 / Stopwatch.Frequency);

    public static ulong Resolution => Math.Max(1UL, (ulong)(1_000_000_000 / Stopwatch.Frequency));

    public static TimeSpan ToTimeSpan(ulong nanoseconds) =>
        nanoseconds / 100 >= (ulong)TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue : TimeSpan.FromTicks((long)(nanoseconds / 100));
}

internal static class WasiClocks
{
    public static void Define(ComponentLinker linker)
    {
        var monotonic = linker.Instance(WasiHost.Interface("clocks", "monotonic-clock"));
        monotonic.Func("now", (_, _) => WitValue.U64(MonotonicClock.Now()));
        monotonic.Func("resolution", (_, _) => WitValue.U64(MonotonicClock.Resolution));
        monotonic.Func("subscribe-instant", (call, args) =>
            WasiPoll.Own(call.Resources, new DeadlinePollable(args[0].AsU64())));
        monotonic.Func("subscribe-duration", (call, args) =>
        {
            var now = MonotonicClock.Now();
            var duration = args[0].AsU64();
            var deadline = duration > ulong.MaxValue - now ? ulong.MaxValue : now + duration;
            return WasiPoll.Own(call.Resources, new DeadlinePollable(deadline));
        });

        var wall = linker.Instance(WasiHost.Interface("clocks", "wall-clock"));
        wall.Func("now", (_, _) => Datetime(DateTime.UtcNow));
        // DateTime counts in 100 ns ticks; claiming finer would be a lie.
        wall.Func("resolution", (_, _) => Datetime(0, 100));
    }

    /// <summary>A <c>wasi:clocks/wall-clock.datetime</c> record.</summary>
    public static WitValue Datetime(ulong seconds, uint nanoseconds) =>
        WitValue.Record(("seconds", WitValue.U64(seconds)), ("nanoseconds", WitValue.U32(nanoseconds)));

    public static WitValue Datetime(DateTime utc)
    {
        var ticks = (utc.ToUniversalTime() - DateTime.UnixEpoch).Ticks;
        if (ticks < 0) return Datetime(0, 0); // WASI's datetime cannot express times before 1970
        return Datetime((ulong)(ticks / TimeSpan.TicksPerSecond), (uint)(ticks % TimeSpan.TicksPerSecond * 100));
    }
}
