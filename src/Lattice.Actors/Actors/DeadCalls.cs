// Calls that reached an instance after it stopped.
//
// The directory can hand out an instance in the moment it is retired (scaled down, replaced by a new
// artifact, passivated, moved by a rebalance): the call is sent to an actor that no longer exists,
// Akka delivers it to dead letters, and without this the caller would wait for its whole timeout.
// This actor watches the event stream's dead letters and answers every call it finds there at once
// with NotFound ("the instance stopped before it took the call"): nothing ran, so the caller may
// simply call again, and the directory will have set the instance aside by then. One per host; it
// answers calls from other hosts too (their ask's temporary actor is the dead letter's sender).
using Akka.Actor;
using Akka.Event;

namespace Lattice.Actors;

internal sealed class DeadCalls : ReceiveActor
{
    public DeadCalls()
    {
        Receive<DeadLetter>(d => Answer(d.Message, d.Sender));
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new DeadCalls());

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private static void Answer(object message, IActorRef sender)
    {
        switch (message)
        {
            case LocalInvoke l:
                l.Reply.TrySetResult(InvokeReply.Fail(CallFailureKind.NotFound, Gone(l.EntityId)));
                break;
            case InstanceInvoke i when !sender.IsNobody():
                sender.Tell(InvokeReply.Fail(CallFailureKind.NotFound, Gone(i.EntityId)));
                break;
            case LocalHttpInvoke h:
                h.Exchange.Refused(Gone(h.EntityId));
                h.Done.TrySetResult();
                break;
            case HttpInvoke h when !sender.IsNobody():
                sender.Tell(HttpReply.Fail(503, Gone(h.EntityId)));
                break;
        }
    }

    private static string Gone(string entityId) => $"instance {entityId} stopped before it took the call; call again";
}
