// Every failure of the admin API is one JSON body, {"error": "...", "kind": "..."}, with a status
// that says whose it is; the CLI prints the message as its one error line.
using System.Text.Json;
using Lattice.Actors;
using Lattice.Node.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Lattice.Node.Admin;

internal static class AdminErrors
{
    public static void Use(WebApplication app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (Classify(e) is var (status, kind) && !context.Response.HasStarted)
        {
            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(new ErrorBody(e.Message, kind), AdminJson.Options, context.RequestAborted);
        }
    });

    private static (int Status, string? Kind) Classify(Exception e) => e switch
    {
        AdminRequestException r => (r.Status, null),
        LatticeCommandException => (StatusCodes.Status409Conflict, null),
        LatticeCallException c => (CallStatus(c.Kind), c.Kind.ToString()),
        HostNotReadyException => (StatusCodes.Status503ServiceUnavailable, null),
        BadHttpRequestException or JsonException => (StatusCodes.Status400BadRequest, null),
        Akka.Actor.AskTimeoutException or TimeoutException => (StatusCodes.Status504GatewayTimeout, null),
        _ => (StatusCodes.Status500InternalServerError, null),
    };

    private static int CallStatus(CallFailureKind kind) => kind switch
    {
        CallFailureKind.NotFound => StatusCodes.Status404NotFound,
        CallFailureKind.BadArguments => StatusCodes.Status400BadRequest,
        CallFailureKind.Denied => StatusCodes.Status403Forbidden,
        CallFailureKind.Overloaded => StatusCodes.Status429TooManyRequests,
        CallFailureKind.Timeout => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status502BadGateway,
    };
}
