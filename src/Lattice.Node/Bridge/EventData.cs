// The `data` of each lattice event, with the fields a wasmCloud 1.x host writes (crates/host/src/event.rs).
// Our components and providers carry no claims, so the claims-only fields are left out as a
// wasmCloud host leaves them out for unsigned components.
using System.Text.Json.Nodes;
using Lattice.Model;

namespace Lattice.Node.Bridge;

internal static class EventData
{
    public static BusEvent HostStarted(string friendlyName, IReadOnlyDictionary<string, string> labels, string version) =>
        new("host_started", new JsonObject { ["friendly_name"] = friendlyName, ["labels"] = Map(labels), ["uptime_seconds"] = 0, ["version"] = version });

    public static BusEvent HostStopped(IReadOnlyDictionary<string, string> labels) =>
        new("host_stopped", new JsonObject { ["labels"] = Map(labels) });

    public static BusEvent Heartbeat(HostInventory inventory) =>
        new("host_heartbeat", CtlJson.ToNode(inventory)!.AsObject());

    public static BusEvent ComponentScaled(IReadOnlyDictionary<string, string> annotations, string hostId, string imageRef, uint maxInstances, string componentId) =>
        new("component_scaled", new JsonObject
        {
            ["annotations"] = Map(annotations), ["host_id"] = hostId, ["image_ref"] = imageRef, ["max_instances"] = maxInstances, ["component_id"] = componentId,
        });

    public static BusEvent ComponentScaleFailed(IReadOnlyDictionary<string, string> annotations, string componentId, string hostId, string imageRef, uint maxInstances, string error) =>
        new("component_scale_failed", new JsonObject
        {
            ["annotations"] = Map(annotations), ["component_id"] = componentId, ["host_id"] = hostId, ["image_ref"] = imageRef, ["max_instances"] = maxInstances, ["error"] = error,
        });

    public static BusEvent ProviderStarted(string hostId, string imageRef, string providerId, IReadOnlyDictionary<string, string> annotations) =>
        new("provider_started", new JsonObject { ["host_id"] = hostId, ["image_ref"] = imageRef, ["provider_id"] = providerId, ["annotations"] = Map(annotations) });

    public static BusEvent ProviderStartFailed(string providerRef, string providerId, string hostId, string error) =>
        new("provider_start_failed", new JsonObject
        {
            ["provider_ref"] = providerRef, ["provider_id"] = providerId, ["host_id"] = hostId, ["error"] = error, ["link_name"] = "default",
        });

    public static BusEvent ProviderStopped(IReadOnlyDictionary<string, string> annotations, string hostId, string providerId, string reason) =>
        new("provider_stopped", new JsonObject
        {
            ["host_id"] = hostId, ["provider_id"] = providerId, ["annotations"] = Map(annotations), ["reason"] = reason,
            ["instance_id"] = providerId, ["public_key"] = providerId, ["link_name"] = "default",
        });

    /// <summary><c>health_check_passed</c>, <c>health_check_failed</c> or <c>health_check_status</c>.</summary>
    public static BusEvent HealthCheck(string name, string hostId, string providerId) =>
        new(name, new JsonObject { ["host_id"] = hostId, ["provider_id"] = providerId });

    public static BusEvent LinkdefSet(CtlLink link) => new("linkdef_set", LinkObject(link));

    public static BusEvent LinkdefSetFailed(CtlLink link, string error)
    {
        var data = LinkObject(link);
        data["error"] = error;
        return new BusEvent("linkdef_set_failed", data);
    }

    /// <summary>Target and interfaces only when the link existed (as a wasmCloud host does).</summary>
    public static BusEvent LinkdefDeleted(string sourceId, string? target, string name, string witNamespace, string witPackage, IReadOnlyList<string>? interfaces)
    {
        var data = new JsonObject { ["source_id"] = sourceId };
        if (target is not null && interfaces is not null) data["target"] = target;
        data["name"] = name;
        data["wit_namespace"] = witNamespace;
        data["wit_package"] = witPackage;
        if (target is not null && interfaces is not null) data["interfaces"] = new JsonArray([.. interfaces.Select(i => JsonValue.Create(i))]);
        return new BusEvent("linkdef_deleted", data);
    }

    public static BusEvent ConfigSet(string name) => new("config_set", new JsonObject { ["config_name"] = name });

    public static BusEvent ConfigDeleted(string name) => new("config_deleted", new JsonObject { ["config_name"] = name });

    public static BusEvent LabelsChanged(string hostId, IReadOnlyDictionary<string, string> labels) =>
        new("labels_changed", new JsonObject { ["host_id"] = hostId, ["labels"] = Map(labels) });

    private static JsonObject LinkObject(CtlLink link) => CtlJson.ToNode(link)!.AsObject();

    private static JsonObject Map(IReadOnlyDictionary<string, string> map)
    {
        var o = new JsonObject();
        foreach (var (k, v) in map) o[k] = v;
        return o;
    }
}

/// <summary>Links between the runtime's model and the control interface's JSON (the field names already match wasmCloud's).</summary>
internal static class LinkMapping
{
    public static CtlLink ToCtl(LinkDefinition l) => new()
    {
        SourceId = l.Source, Target = l.Target, Name = l.Name, WitNamespace = l.Namespace, WitPackage = l.Package,
        Interfaces = [.. l.Interfaces], SourceConfig = [.. l.SourceConfigNames], TargetConfig = [.. l.TargetConfigNames],
    };

    public static LinkDefinition ToModel(CtlLink l) =>
        new(l.SourceId, l.Target, l.WitNamespace, l.WitPackage, l.Interfaces, l.Name, l.SourceConfig, l.TargetConfig);
}
