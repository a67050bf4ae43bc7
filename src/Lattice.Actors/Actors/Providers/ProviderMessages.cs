namespace Lattice.Actors.Providers;

/// <summary>A message for one provider entity of the provider shard region.</summary>
public interface IProviderMessage : ILatticeMessage
{
    string ProviderId { get; }
}

/// <summary>A request routed to provider <see cref="ProviderId"/> from <see cref="SourceId"/>, through its link named <see cref="LinkName"/>.</summary>
public sealed record ProviderInvoke(string ProviderId, ProviderRequest Request, string SourceId, string LinkName) : IProviderMessage;

public sealed record EnsureProvider(string ProviderId) : IProviderMessage;

public sealed record RetireProvider(string ProviderId) : IProviderMessage;
