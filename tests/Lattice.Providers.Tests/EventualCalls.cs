using Lattice.Actors;

namespace Lattice.Tests.Providers;

/// <summary>Calls retried while a new desired state (provider, link) reaches the host: bounded, ~5 s.</summary>
internal static class EventualCalls
{
    public static async Task<string> Eventually(Func<Task<string>> call, Func<string, bool> done)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var result = await call();
                if (done(result) || attempt >= 50) return result;
            }
            catch (LatticeCallException) when (attempt < 50) { }
            await Task.Delay(100);
        }
    }
}
