namespace Lattice.Model;

/// <summary>A change to the lattice's desired state. Persisted in the journal, so never renamed.</summary>
public abstract record LatticeEvent;

public sealed record LinkPut(LinkDefinition Link) : LatticeEvent;
public sealed record LinkDeleted(string Source, string Namespace, string Package, string Name) : LatticeEvent;
public sealed record ConfigPut(NamedConfig Config) : LatticeEvent;
public sealed record ConfigDeleted(string Name) : LatticeEvent;
public sealed record ComponentStarted(ComponentSpec Spec) : LatticeEvent;
public sealed record ComponentScaled(string ComponentId, int Instances) : LatticeEvent;
public sealed record ComponentStopped(string ComponentId) : LatticeEvent;
public sealed record ProviderStarted(ProviderSpec Spec) : LatticeEvent;
public sealed record ProviderStopped(string ProviderId) : LatticeEvent;
public sealed record HostLabeled(string Host, string Key, string? Value) : LatticeEvent;

/// <summary>A request to change the desired state; <see cref="LatticeState.Decide"/> turns it into events or an error.</summary>
public abstract record LatticeCommand;

public sealed record PutLink(LinkDefinition Link) : LatticeCommand;
public sealed record DeleteLink(string Source, string Namespace, string Package, string Name) : LatticeCommand;
public sealed record PutConfig(NamedConfig Config) : LatticeCommand;
public sealed record DeleteConfig(string Name) : LatticeCommand;
public sealed record StartComponent(ComponentSpec Spec) : LatticeCommand;
public sealed record ScaleComponent(string ComponentId, int Instances) : LatticeCommand;
public sealed record StopComponent(string ComponentId) : LatticeCommand;
public sealed record StartProvider(ProviderSpec Spec) : LatticeCommand;
public sealed record StopProvider(string ProviderId) : LatticeCommand;

/// <summary>Sets (or, with a null value, removes) one label of the host whose cluster address is <paramref name="Host"/>.</summary>
public sealed record LabelHost(string Host, string Key, string? Value) : LatticeCommand;
