namespace Lattice.Node.Admin;

/// <summary>A request the admin API refuses, with the HTTP status to answer and a readable reason.</summary>
internal sealed class AdminRequestException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
