// Results for people (Spectre.Console tables on stdout) or for scripts (indented JSON, the admin
// API's own shapes). Piped output gets a wide console, so tables do not wrap in logs and tests.
using System.Text.Json;
using Lattice.Node.Admin;
using Spectre.Console;

namespace Lattice.Node.Cli.Ops;

internal static class OpsOutput
{
    private static readonly JsonSerializerOptions Indented = new(AdminJson.Options) { WriteIndented = true };

    public static int Json<T>(T value)
    {
        Console.Out.WriteLine(JsonSerializer.Serialize(value, Indented));
        return ExitCodes.Ok;
    }

    public static IAnsiConsole Terminal()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected) console.Profile.Width = 240;
        return console;
    }

    /// <summary>A table with <paramref name="columns"/> and one row per item; empty lists say so instead.</summary>
    public static int Table<T>(IEnumerable<T> items, string[] columns, Func<T, IEnumerable<string>> row, string? empty = null, string? caption = null)
    {
        var list = items.ToList();
        var console = Terminal();
        if (list.Count == 0)
        {
            console.WriteLine(empty ?? "(none)");
            return ExitCodes.Ok;
        }
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var c in columns) table.AddColumn(new TableColumn(c));
        foreach (var item in list) table.AddRow(row(item).Select(cell => new Markup(Markup.Escape(cell))).ToArray<Spectre.Console.Rendering.IRenderable>());
        if (caption is not null) table.Caption(Markup.Escape(caption));
        console.Write(table);
        return ExitCodes.Ok;
    }

    /// <summary>One line for a completed action, e.g. "leaving: akka.tcp://...".</summary>
    public static int Done(string message)
    {
        Console.Out.WriteLine(message);
        return ExitCodes.Ok;
    }

    public static string Labels(IReadOnlyDictionary<string, string> labels) =>
        string.Join(", ", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    public static string Uptime(double? seconds) => seconds switch
    {
        null => "?",
        < 60 => $"{seconds:0}s",
        < 3600 => $"{Math.Floor(seconds.Value / 60):0}m{seconds % 60:00}s",
        < 86400 => $"{Math.Floor(seconds.Value / 3600):0}h{Math.Floor(seconds.Value % 3600 / 60):00}m",
        _ => $"{Math.Floor(seconds.Value / 86400):0}d{Math.Floor(seconds.Value % 86400 / 3600):00}h",
    };
}
