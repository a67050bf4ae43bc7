// Readiness, as `wasi:io/poll` sees it.
//
// A pollable answers two questions: "are you ready now?" (cheap, never blocks) and "tell me when
// you are" (a task). The second is what lets one `poll` call wait on a clock, a stream and, later,
// an HTTP body at once without a thread per pollable: the host waits on the tasks together. Host
// code outside WASI (wasi:http, providers) makes its own pollables by subclassing this, or simply
// wraps a task in a TaskPollable.
namespace Lattice.Wasi;

public abstract class Pollable
{
    /// <summary>True when a wait on this pollable would return immediately.</summary>
    public abstract bool IsReady { get; }

    /// <summary>Completes (never faults) when the pollable becomes ready, or is cancelled.</summary>
    public abstract Task WhenReady(CancellationToken cancel);
}

/// <summary>Always ready: synchronous sources such as files, stdout, and the empty stdin.</summary>
public sealed class ReadyPollable : Pollable
{
    public override bool IsReady => true;

    public override Task WhenReady(CancellationToken cancel) => Task.CompletedTask;
}

/// <summary>Ready once the monotonic clock reaches <see cref="Deadline"/> (nanoseconds, see <see cref="MonotonicClock"/>).</summary>
public sealed class DeadlinePollable(ulong deadline) : Pollable
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromDays(1);

    public ulong Deadline { get; } = deadline;

    public override bool IsReady => MonotonicClock.Now() >= Deadline;

    /// <summary>How long until ready; zero when already due.</summary>
    public TimeSpan Remaining
    {
        get
        {
            var now = MonotonicClock.Now();
            return now >= Deadline ? TimeSpan.Zero : MonotonicClock.ToTimeSpan(Deadline - now);
        }
    }

    public override async Task WhenReady(CancellationToken cancel)
    {
        // Task.Delay may wake a little early on coarse timers, and takes at most ~49 days:
        // loop until the clock agrees.
        while (!IsReady && !cancel.IsCancellationRequested)
        {
            var wait = Remaining < MaxDelay ? Remaining + TimeSpan.FromTicks(1) : MaxDelay;
            try { await Task.Delay(wait, cancel).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }
}

/// <summary>Ready when a task completes (in any state): the bridge for asynchronous host code.</summary>
public sealed class TaskPollable(Task task) : Pollable
{
    public override bool IsReady => task.IsCompleted;

    public override Task WhenReady(CancellationToken cancel) =>
        task.IsCompleted ? Task.CompletedTask : task.ContinueWith(static _ => { }, cancel, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
