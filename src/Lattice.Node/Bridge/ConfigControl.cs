// config.put / config.get / config.del (queue group). Named configs are the lattice's own; values
// are returned whole here, as a wasmCloud host returns them (the admin API masks secret-looking ones).
using System.Text.Json;
using Lattice.Model;

namespace Lattice.Node.Bridge;

internal sealed class ConfigControl(BridgeHost host)
{
    public async Task<CtlReply> PutAsync(string name, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        Dictionary<string, string> values;
        try { values = JsonSerializer.Deserialize<Dictionary<string, string>>(payload.Span, CtlJson.Options) ?? throw new JsonException("the payload is null"); }
        catch (JsonException e) { throw new CtlRequestException($"config data should be a map of string -> string: {CtlJson.Describe(e)}"); }
        var client = await host.ClientAsync(cancellationToken);
        var after = await client.SendAsync(new PutConfig(new NamedConfig(name, values)), cancellationToken);
        host.Claim(after.Version);
        await host.PublishAsync(EventData.ConfigSet(name));
        return CtlReply.Done("successfully put config");
    }

    public async Task<CtlReply> GetAsync(string name, CancellationToken cancellationToken)
    {
        var state = await (await host.ClientAsync(cancellationToken)).GetStateAsync(cancellationToken);
        return state.Configs.TryGetValue(name, out var config)
            ? CtlReply.Ok(config.Values)
            : CtlReply.Done("Configuration not found");
    }

    /// <summary>Idempotent, like a purge of the config bucket's key: config_deleted is published either way.</summary>
    public async Task<CtlReply> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var client = await host.ClientAsync(cancellationToken);
        var state = await client.GetStateAsync(cancellationToken);
        if (state.Configs.ContainsKey(name))
        {
            var after = await client.SendAsync(new DeleteConfig(name), cancellationToken);
            host.Claim(after.Version);
        }
        await host.PublishAsync(EventData.ConfigDeleted(name));
        return CtlReply.Done("successfully deleted config");
    }
}
