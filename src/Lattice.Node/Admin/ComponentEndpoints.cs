// Components, providers, artifacts and calls. A component's artifact is always named by sha256 in
// the lattice's artifact store, so any host can load it after a failover: uploads and URLs are
// stored first, then the component is started by that sha.
using System.Text.RegularExpressions;
using Lattice.Actors;
using Lattice.Model;
using Lattice.Node.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Lattice.Node.Admin;

internal static partial class ComponentEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapPost("/artifacts", async (LatticeNode node, HttpRequest request, CancellationToken ct) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            if (buffer.Length == 0) throw new AdminRequestException(400, "the artifact is empty");
            var sha = await (await node.ClientAsync(ct)).Artifacts.PutAsync(buffer.ToArray(), ct);
            return new ArtifactInfo(sha, buffer.Length);
        });

        v1.MapGet("/components", async (LatticeNode node, CancellationToken ct) =>
            (await (await node.ClientAsync(ct)).GetStateAsync(ct)).Components.Values.OrderBy(c => c.Id, StringComparer.Ordinal).Select(ToInfo).ToList());
        v1.MapPost("/components", async (LatticeNode node, IHttpClientFactory http, ComponentStartBody body, CancellationToken ct) =>
        {
            var client = await node.ClientAsync(ct);
            var sha = await ArtifactAsync(client, http, body, ct);
            var spec = new ComponentSpec(body.Id, sha, body.Instances, body.Config ?? [], body.Placement ?? new Dictionary<string, string>(),
                body.TimeoutSeconds is { } t ? TimeSpan.FromSeconds(t) : null);
            var state = await client.SendAsync(new StartComponent(spec), ct);
            return ToInfo(state.Components.GetValueOrDefault(spec.Id) ?? spec);
        });
        v1.MapPut("/components/{id}/scale", async (LatticeNode node, string id, ScaleBody body, CancellationToken ct) =>
        {
            var state = await (await node.ClientAsync(ct)).SendAsync(new ScaleComponent(id, body.Instances), ct);
            return ToInfo(state.Components[id]);
        });
        v1.MapDelete("/components/{id}", async (LatticeNode node, string id, CancellationToken ct) =>
        {
            await (await node.ClientAsync(ct)).SendAsync(new StopComponent(id), ct);
            return Results.NoContent();
        });
        v1.MapPost("/components/{id}/call", async (LatticeNode node, string id, CallBody body, CancellationToken ct) =>
        {
            var timeout = body.TimeoutSeconds is { } t ? TimeSpan.FromSeconds(t) : (TimeSpan?)null;
            var json = await (await node.ClientAsync(ct)).CallJsonAsync(id, body.Function, body.Args ?? [], timeout, ct);
            // The result's JSON as the component's types wrote it, byte for byte.
            return Results.Text(json, "application/json");
        });

        v1.MapGet("/providers", async (LatticeNode node, CancellationToken ct) =>
            (await (await node.ClientAsync(ct)).GetStateAsync(ct)).Providers.Values.OrderBy(p => p.Id, StringComparer.Ordinal)
                .Select(p => new ProviderInfo(p.Id, p.Kind, p.ConfigNames, p.Notes.Count == 0 ? null : p.Notes)).ToList());
        v1.MapPost("/providers", async (LatticeNode node, ProviderStartBody body, CancellationToken ct) =>
        {
            await (await node.ClientAsync(ct)).SendAsync(new StartProvider(new ProviderSpec(body.Id, body.Kind, body.Config ?? [])), ct);
            return new ProviderInfo(body.Id, body.Kind, body.Config ?? []);
        });
        v1.MapDelete("/providers/{id}", async (LatticeNode node, string id, CancellationToken ct) =>
        {
            await (await node.ClientAsync(ct)).SendAsync(new StopProvider(id), ct);
            return Results.NoContent();
        });
    }

    private static async Task<string> ArtifactAsync(LatticeClient client, IHttpClientFactory http, ComponentStartBody body, CancellationToken ct)
    {
        if (body.Artifact is { } sha)
        {
            if (!Sha256().IsMatch(sha)) throw new AdminRequestException(400, $"'{sha}' is not a sha256 (64 hex characters)");
            sha = sha.ToLowerInvariant();
            if (await client.Artifacts.GetAsync(sha, ct) is null)
                throw new AdminRequestException(404, $"no artifact {sha} in this lattice (start the component from its file or URL once)");
            return sha;
        }
        if (body.Url is not { } url) throw new AdminRequestException(400, "a component needs an artifact (sha256) or a url");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new AdminRequestException(400, $"'{url}' is not an http(s) URL");
        byte[] bytes;
        try
        {
            using var response = await http.CreateClient().GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode) throw new AdminRequestException(502, $"fetching {url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            if (response.Content.Headers.ContentLength > AdminApi.MaxArtifactBytes) throw new AdminRequestException(413, $"{url} is larger than {AdminApi.MaxArtifactBytes} bytes");
            bytes = await response.Content.ReadAsByteArrayAsync(ct);
        }
        catch (HttpRequestException e) { throw new AdminRequestException(502, $"fetching {url}: {e.Message}"); }
        return await client.Artifacts.PutAsync(bytes, ct);
    }

    private static ComponentInfo ToInfo(ComponentSpec s) =>
        new(s.Id, s.ArtifactSha256, s.Instances, s.ConfigNames, s.Placement, s.Timeout?.TotalSeconds, s.Notes.Count == 0 ? null : s.Notes);

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256();
}
