// wasi:io/poll: the pollable resource, and the one place where a guest may block its thread.
//
// Host functions run synchronously inside the Wasmtime call, so `block` and `poll` really block the
// calling thread. The epoch deadline cannot interrupt a host function, so every wait here is bounded
// by the store's own call timeout: a wait that could only end after the deadline traps at once
// instead of holding a thread for nothing.
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Wasi;

public static class WasiPoll
{
    /// <summary><c>wasi:io/poll.pollable</c>: the objects behind it are <see cref="Pollable"/>s.</summary>
    public static readonly HostResourceType PollableType = new("pollable");

    /// <summary>Hands <paramref name="pollable"/> to the guest as an owned handle.</summary>
    public static WitResource Own(ResourceTable table, Pollable pollable) => table.Own(PollableType, pollable);

    internal static void Define(ComponentLinker linker)
    {
        var poll = linker.Instance(WasiHost.Interface("io", "poll"));
        poll.Resource("pollable", PollableType);
        poll.Func("[method]pollable.ready", (call, args) => WitValue.Bool(Get(call.Resources, args[0]).IsReady));
        poll.Func("[method]pollable.block", (call, args) =>
        {
            Wait([Get(call.Resources, args[0])], call.Store.RemainingCallTime);
            return null;
        });
        poll.Func("poll", (call, args) =>
        {
            var handles = args[0] is WitList list ? list.Items : [];
            // The WIT forbids an empty list: waiting on nothing would never return.
            if (handles.Count == 0) throw new InvalidOperationException("wasi:io/poll.poll called with an empty list");
            var pollables = new Pollable[handles.Count];
            for (var i = 0; i < pollables.Length; i++) pollables[i] = Get(call.Resources, handles[i]);
            Wait(pollables, call.Store.RemainingCallTime);
            var ready = new List<WitValue>();
            for (var i = 0; i < pollables.Length; i++)
                if (pollables[i].IsReady) ready.Add(WitValue.U32((uint)i));
            return WitValue.List(ready);
        });
    }

    private static Pollable Get(ResourceTable table, WitValue handle) => table.Get<Pollable>(PollableType, handle);

    /// <summary>Blocks until at least one of <paramref name="pollables"/> is ready, for at most <paramref name="limit"/>.</summary>
    /// <exception cref="TimeoutException">nothing became ready within <paramref name="limit"/>.</exception>
    public static void Wait(IReadOnlyList<Pollable> pollables, TimeSpan limit)
    {
        if (AnyReady(pollables)) return;
        if (pollables.All(p => p is DeadlinePollable d && d.Remaining > limit)) throw TooLong(limit);

        var until = DateTime.UtcNow + limit;
        using var cancel = new CancellationTokenSource();
        var tasks = pollables.Select(p => p.WhenReady(cancel.Token)).ToArray();
        try
        {
            while (!AnyReady(pollables))
            {
                var left = until - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || Task.WaitAny(tasks, left) < 0)
                {
                    if (AnyReady(pollables)) return;
                    throw TooLong(limit);
                }
                // A task may complete while its pollable is not yet ready (coarse timers): wait on again,
                // replacing only the completed tasks.
                for (var i = 0; i < tasks.Length; i++)
                    if (tasks[i].IsCompleted && !pollables[i].IsReady) tasks[i] = pollables[i].WhenReady(cancel.Token);
            }
        }
        finally { cancel.Cancel(); }
    }

    private static bool AnyReady(IReadOnlyList<Pollable> pollables)
    {
        foreach (var p in pollables) if (p.IsReady) return true;
        return false;
    }

    private static TimeoutException TooLong(TimeSpan limit) =>
        new($"the guest waited on wasi:io/poll for longer than its call deadline ({limit.TotalSeconds:0.###} s)");
}
