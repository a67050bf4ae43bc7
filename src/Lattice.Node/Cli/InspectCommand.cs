// `lattice inspect FILE [-o text|json]`: a component's imports and exports, without running it.
using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Lattice.Wit;

namespace Lattice.Node.Cli;

internal static class InspectCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "The component (.wasm)" }.RejectingOptions();
        var output = new Option<string>("--output", "-o")
        {
            Description = "Output format: text (WIT-like) or json",
            DefaultValueFactory = _ => "text",
        };
        output.AcceptOnlyFromAmong("text", "json");

        var command = new Command("inspect", "Show a component's imports and exports with their WIT types") { file, output };
        command.SetAction(parse => CliOutput.Guard(() =>
        {
            using var runtime = new LocalRuntime();
            var world = runtime.Load(parse.GetRequiredValue(file)).World;
            Console.Out.Write(parse.GetValue(output) == "json"
                ? WitPrinter.ToJson(world).ToJsonString(Indented) + "\n"
                : WitPrinter.Print(world));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
