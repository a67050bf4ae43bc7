// System.CommandLine hands a token it does not know as an option (`--frob`) to the next positional
// argument; for a file or function name that only hides a typo behind a confusing later error.
using System.CommandLine;

namespace Lattice.Node.Cli;

internal static class ArgumentChecks
{
    /// <summary>Reports values that look like options; <paramref name="allowNumbers"/> keeps <c>-5</c> (a JSON value).</summary>
    public static Argument<T> RejectingOptions<T>(this Argument<T> argument, bool allowNumbers = false)
    {
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
                if (LooksLikeOption(token.Value, allowNumbers)) result.AddError($"Unrecognized option '{token.Value}'");
        });
        return argument;
    }

    private static bool LooksLikeOption(string value, bool allowNumbers) =>
        value.Length > 1 && value[0] == '-' && !(allowNumbers && char.IsAsciiDigit(value[1]));
}
