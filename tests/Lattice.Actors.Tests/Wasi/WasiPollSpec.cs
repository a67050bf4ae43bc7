using System.Diagnostics;
using Lattice.Wasi;
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Tests.Wasi;

/// <summary>wasi:io/poll and wasi:clocks: pollables from the monotonic clock, waiting, and its bounds.</summary>
public sealed class WasiPollSpec
{
    private static readonly ulong Ms = 1_000_000;

    private static ComponentInstance Poller(ComponentStore store) =>
        WasiTestbed.Instantiate(WasiTestbed.Fixture("poll.wasm"), new WasiContext(), store);

    private static uint[] Poll(ComponentInstance instance, params ulong[] durations)
    {
        var result = instance.GetFunction("", "poll").Call(WitValue.List(durations.Select(WitValue.U64).ToList()));
        return ((WitList)result!).Items.Select(v => v.AsU32()).ToArray();
    }

    [Fact]
    public void A_pollable_for_a_past_instant_is_ready_and_a_future_one_is_not()
    {
        using var store = new ComponentStore(WasiTestbed.Engine);
        var poller = Poller(store);

        Assert.True(poller.GetFunction("", "ready").Call(WitValue.U64(0))!.AsBool());
        Assert.False(poller.GetFunction("", "ready").Call(WitValue.U64(3600 * 1000 * Ms))!.AsBool());
        Assert.Equal(0, store.Resources.Count); // the guest dropped its pollables
    }

    [Fact]
    public void Block_waits_until_the_deadline()
    {
        using var store = new ComponentStore(WasiTestbed.Engine);
        var poller = Poller(store);

        var watch = Stopwatch.StartNew();
        poller.GetFunction("", "block").Call(WitValue.U64(40 * Ms));

        Assert.True(watch.ElapsedMilliseconds >= 40, $"returned after {watch.ElapsedMilliseconds} ms"); // never early
    }

    [Fact]
    public void Poll_on_one_pollable_returns_it_when_ready()
    {
        using var store = new ComponentStore(WasiTestbed.Engine);
        var poller = Poller(store);

        var watch = Stopwatch.StartNew();
        Assert.Equal([0u], Poll(poller, 30 * Ms));
        Assert.True(watch.ElapsedMilliseconds >= 30, $"returned after {watch.ElapsedMilliseconds} ms"); // never early
    }

    [Fact]
    public void Poll_returns_the_pollables_that_are_ready()
    {
        using var store = new ComponentStore(WasiTestbed.Engine);
        var poller = Poller(store);

        Assert.Equal([0u, 2u], Poll(poller, 0, 3600 * 1000 * Ms, 0));
        Assert.Equal([1u], Poll(poller, 3600 * 1000 * Ms, 20 * Ms));
    }

    [Fact]
    public void A_wait_past_the_call_deadline_traps_at_once_instead_of_holding_the_thread()
    {
        using var store = new ComponentStore(WasiTestbed.Engine, new InstanceLimits { Timeout = TimeSpan.FromMilliseconds(500) });
        var poller = Poller(store);

        var e = Assert.ThrowsAny<ComponentTrapException>(() => poller.GetFunction("", "block").Call(WitValue.U64(60_000 * Ms)));

        Assert.Equal(TrapKind.Deadline, e.Kind);
        Assert.Contains("deadline", e.Message);
    }

    [Fact]
    public void Guest_clocks_are_sane_and_sleep_works()
    {
        var run = WasiTestbed.RunCommand(WasiTestbed.Fixture("wasiprobe.wasm"), args: ["probe", "clock"]);

        Assert.Equal("wall ok\nmonotonic ok\n", run.Stdout);
    }

    [Fact]
    public void The_monotonic_clock_never_goes_back()
    {
        var last = MonotonicClock.Now();
        for (var i = 0; i < 10_000; i++)
        {
            var now = MonotonicClock.Now();
            Assert.True(now >= last);
            last = now;
        }
        Assert.InRange(MonotonicClock.Resolution, 1UL, 1_000_000UL);
    }

    [Fact]
    public void A_task_pollable_is_ready_when_its_task_completes()
    {
        var done = new TaskCompletionSource();
        var pollable = new TaskPollable(done.Task);
        Assert.False(pollable.IsReady);

        _ = Task.Delay(20).ContinueWith(_ => done.SetResult());
        WasiPoll.Wait([pollable, new DeadlinePollable(MonotonicClock.Now() + 3600 * 1000 * Ms)], TimeSpan.FromSeconds(5));

        Assert.True(pollable.IsReady);
    }
}
