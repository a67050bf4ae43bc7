using Akka.Actor;
using Akka.Configuration;
using Lattice.Actors;
using Lattice.Wasi.Http;

namespace Lattice.Tests.Actors;

/// <summary>
/// A call sent to an instance that has just stopped is answered at once (NotFound, "call again"),
/// not left to its timeout: the local promise, a remote asker, and both HTTP paths.
/// </summary>
public sealed class DeadCallsSpec : IDisposable
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    private readonly ActorSystem _system = ActorSystem.Create("dead-calls-spec",
        ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(LatticeConfig.Reference));

    public DeadCallsSpec()
    {
        // Answering Identify means PreStart ran: its dead-letter subscription is in place before any test sends.
        _system.ActorOf(DeadCalls.Props(), "lattice-dead-calls").Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
    }

    public void Dispose() => _system.Dispose();

    /// <summary>An actor that has stopped, as an instance retired a moment before the call reached it.</summary>
    private async Task<IActorRef> StoppedInstanceAsync()
    {
        var instance = _system.ActorOf(Props.Empty);
        await instance.GracefulStop(TimeSpan.FromSeconds(5));
        return instance;
    }

    private static InvokeJson Call() => new("web", "add", ["1", "2"], Long);

    [Fact]
    public async Task A_local_call_to_a_stopped_instance_completes_with_not_found()
    {
        var instance = await StoppedInstanceAsync();
        var local = new LocalInvoke("web/0", Call(), new TaskCompletionSource<InvokeReply>(TaskCreationOptions.RunContinuationsAsynchronously));
        instance.Tell(local, ActorRefs.NoSender);

        var reply = await local.Reply.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(CallFailureKind.NotFound, reply.Failure);
        Assert.Equal("instance web/0 stopped before it took the call; call again", reply.Error);
    }

    [Fact]
    public async Task An_asked_call_to_a_stopped_instance_is_answered_instead_of_timing_out()
    {
        var instance = await StoppedInstanceAsync();
        var reply = await instance.Ask<InvokeReply>(new InstanceInvoke("web/1", Call()), Long).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(CallFailureKind.NotFound, reply.Failure);
        Assert.Contains("web/1", reply.Error);

        var http = await instance.Ask<HttpReply>(new HttpInvoke("web/1", "GET", "http", "localhost", "/", [], [], [], Long), Long).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(503, http.Status);
    }

    [Fact]
    public async Task A_local_http_request_to_a_stopped_instance_is_unavailable_and_the_guest_never_ran()
    {
        var instance = await StoppedInstanceAsync();
        using var exchange = new HttpExchange(new HttpRequestHead("GET", "http", "localhost", "/", []));
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        instance.Tell(new LocalHttpInvoke("web/2", exchange, done), ActorRefs.NoSender);

        var outcome = Assert.IsType<HttpHandlerFailed>(await exchange.Outcome.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(HttpFailureKind.Unavailable, outcome.Kind);
        Assert.Equal(503, outcome.StatusCode);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
