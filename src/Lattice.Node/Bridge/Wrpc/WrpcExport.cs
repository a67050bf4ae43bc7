using Lattice.Wit;

namespace Lattice.Node.Bridge.Wrpc;

/// <summary>
/// Runs one invocation: gets the decoded params (and a way to read their pending futures and streams)
/// and returns the results, one value per result type. Pending futures/streams in the results must
/// come from <see cref="WrpcOutgoing"/>. An exception fails the invocation: the caller gets a
/// <see cref="WrpcRemoteException"/> with its message.
/// </summary>
public delegate ValueTask<IReadOnlyList<WitValue>> WrpcHandler(WrpcIncomingCall call, CancellationToken cancellationToken);

/// <summary>A function served over wRPC and the handler that runs it.</summary>
public sealed record WrpcExport(WrpcFunction Function, WrpcHandler Handler);
