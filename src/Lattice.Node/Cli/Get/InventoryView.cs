// A host's inventory for people. Its shape is the runtime's, so it is drawn from the JSON: lists of
// objects become tables (one column per field), anything else a `field: value` line.
using System.Text.Json.Nodes;
using Lattice.Node.Admin;
using Lattice.Node.Cli.Ops;
using Spectre.Console;

namespace Lattice.Node.Cli.Get;

internal static class InventoryView
{
    public static void Write(HostInventory inventory)
    {
        var console = OpsOutput.Terminal();
        console.WriteLine($"host {inventory.HostId ?? "?"} ({inventory.Address})");
        if (inventory.Error is not null) console.WriteLine($"  {inventory.Error}");
        switch (inventory.Inventory)
        {
            case JsonArray list:
                WriteList(console, "instances", list);
                break;
            case JsonObject fields:
                foreach (var (name, value) in fields)
                {
                    if (value is JsonArray items) WriteList(console, name, items);
                    else console.WriteLine($"  {name}: {Text(value)}");
                }
                break;
            case { } other:
                console.WriteLine("  " + Text(other));
                break;
        }
        console.WriteLine();
    }

    private static void WriteList(IAnsiConsole console, string name, JsonArray items)
    {
        if (items.Count == 0)
        {
            console.WriteLine($"  {name}: none");
            return;
        }
        var columns = items.OfType<JsonObject>().SelectMany(o => o.Select(p => p.Key)).Distinct().ToList();
        if (columns.Count == 0)
        {
            console.WriteLine($"  {name}: {string.Join(", ", items.Select(Text))}");
            return;
        }
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(name));
        foreach (var c in columns) table.AddColumn(Markup.Escape(c.ToUpperInvariant()));
        foreach (var item in items.OfType<JsonObject>())
            table.AddRow(columns.Select(c => Markup.Escape(Text(item[c]))).ToArray());
        console.Write(table);
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonObject o => string.Join(", ", o.Select(p => $"{p.Key}={Text(p.Value)}")),
        JsonArray a => string.Join(",", a.Select(Text)),
        _ => node.ToJsonString(),
    };
}
