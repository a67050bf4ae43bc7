// The CLI's typed client for the admin API. Failures become AdminClientException with the server's
// one-line message, or a plain "cannot reach" naming the URL when no host answers there.
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Lattice.Node.Admin;

/// <summary>A request that failed; <see cref="Kind"/> is the call failure kind when the server gave one.</summary>
internal sealed class AdminClientException(string message, string? kind = null) : Exception(message)
{
    public string? Kind { get; } = kind;
}

internal sealed class AdminClient : IDisposable
{
    /// <summary>Beyond any call's own timeout: the API answers a timed-out call itself.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromMinutes(5);

    private readonly HttpClient _http;

    public AdminClient(Uri baseUrl)
    {
        BaseUrl = baseUrl;
        _http = new HttpClient { BaseAddress = baseUrl, Timeout = RequestTimeout };
    }

    public Uri BaseUrl { get; }

    public Task<ClusterInfo> ClusterAsync(CancellationToken ct) => GetAsync<ClusterInfo>("v1/cluster", ct);
    public Task<MemberInfo> SelfAsync(CancellationToken ct) => GetAsync<MemberInfo>("v1/cluster/self", ct);
    public Task<MemberInfo> LabelAsync(LabelBody body, CancellationToken ct) => SendAsync<MemberInfo>(HttpMethod.Post, "v1/cluster/labels", body, ct);
    public Task<LeaderInfo> LeaderAsync(CancellationToken ct) => GetAsync<LeaderInfo>("v1/cluster/leader", ct);
    public Task<AddressBody> LeaveAsync(string? address, CancellationToken ct) => SendAsync<AddressBody>(HttpMethod.Post, "v1/cluster/leave", new AddressBody(address), ct);
    public Task<DownedInfo> DownUnreachableAsync(CancellationToken ct) => SendAsync<DownedInfo>(HttpMethod.Post, "v1/cluster/down-unreachable", null, ct);
    public Task<AddressBody> JoinAsync(string address, CancellationToken ct) => SendAsync<AddressBody>(HttpMethod.Post, "v1/cluster/join", new AddressBody(address), ct);

    public Task<RegionList> RegionsAsync(CancellationToken ct) => GetAsync<RegionList>("v1/sharding/regions", ct);
    public Task<RegionStats> RegionStatsAsync(string type, CancellationToken ct) => GetAsync<RegionStats>($"v1/sharding/regions/{Esc(type)}", ct);

    public Task<List<HostInfo>> HostsAsync(CancellationToken ct) => GetAsync<List<HostInfo>>("v1/hosts", ct);
    public async Task<List<HostInventory>> InventoryAsync(string? host, CancellationToken ct) =>
        host is null ? await GetAsync<List<HostInventory>>("v1/inventory", ct) : [await GetAsync<HostInventory>($"v1/inventory/{Esc(host)}", ct)];

    public Task<List<LinkBody>> LinksAsync(CancellationToken ct) => GetAsync<List<LinkBody>>("v1/links", ct);
    public Task<LinkBody> PutLinkAsync(LinkBody link, CancellationToken ct) => SendAsync<LinkBody>(HttpMethod.Put, "v1/links", link, ct);
    public Task DeleteLinkAsync(string source, string package, string name, CancellationToken ct) =>
        SendAsync<object>(HttpMethod.Delete, $"v1/links/{Esc(source)}/{Esc(package)}?name={Esc(name)}", null, ct);

    public Task<List<ConfigBody>> ConfigsAsync(CancellationToken ct) => GetAsync<List<ConfigBody>>("v1/configs", ct);
    public Task<ConfigBody> ConfigAsync(string name, CancellationToken ct) => GetAsync<ConfigBody>($"v1/configs/{Esc(name)}", ct);
    public Task<ConfigBody> PutConfigAsync(string name, IReadOnlyDictionary<string, string> values, CancellationToken ct) =>
        SendAsync<ConfigBody>(HttpMethod.Put, $"v1/configs/{Esc(name)}", values, ct);
    public Task DeleteConfigAsync(string name, CancellationToken ct) => SendAsync<object>(HttpMethod.Delete, $"v1/configs/{Esc(name)}", null, ct);

    public Task<List<ComponentInfo>> ComponentsAsync(CancellationToken ct) => GetAsync<List<ComponentInfo>>("v1/components", ct);
    public Task<ComponentInfo> StartComponentAsync(ComponentStartBody body, CancellationToken ct) => SendAsync<ComponentInfo>(HttpMethod.Post, "v1/components", body, ct);
    public Task<ComponentInfo> ScaleComponentAsync(string id, int instances, CancellationToken ct) =>
        SendAsync<ComponentInfo>(HttpMethod.Put, $"v1/components/{Esc(id)}/scale", new ScaleBody(instances), ct);
    public Task StopComponentAsync(string id, CancellationToken ct) => SendAsync<object>(HttpMethod.Delete, $"v1/components/{Esc(id)}", null, ct);

    public Task<List<ProviderInfo>> ProvidersAsync(CancellationToken ct) => GetAsync<List<ProviderInfo>>("v1/providers", ct);
    public Task<ProviderInfo> StartProviderAsync(ProviderStartBody body, CancellationToken ct) => SendAsync<ProviderInfo>(HttpMethod.Post, "v1/providers", body, ct);
    public Task StopProviderAsync(string id, CancellationToken ct) => SendAsync<object>(HttpMethod.Delete, $"v1/providers/{Esc(id)}", null, ct);

    public async Task<ArtifactInfo> UploadArtifactAsync(byte[] bytes, CancellationToken ct)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/wasm");
        using var response = await SendRawAsync(new HttpRequestMessage(HttpMethod.Post, "v1/artifacts") { Content = content }, ct);
        return await ReadAsync<ArtifactInfo>(response, ct);
    }

    /// <summary>The result's JSON exactly as the host wrote it.</summary>
    public async Task<string> CallAsync(string componentId, CallBody body, CancellationToken ct)
    {
        using var response = await SendRawAsync(Request(HttpMethod.Post, $"v1/components/{Esc(componentId)}/call", body), ct);
        return (await response.Content.ReadAsStringAsync(ct)).Trim();
    }

    private async Task<T> GetAsync<T>(string path, CancellationToken ct)
    {
        using var response = await SendRawAsync(new HttpRequestMessage(HttpMethod.Get, path), ct);
        return await ReadAsync<T>(response, ct);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var response = await SendRawAsync(Request(method, path, body), ct);
        return response.StatusCode == System.Net.HttpStatusCode.NoContent ? default! : await ReadAsync<T>(response, ct);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, object? body) => new(method, path)
    {
        Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: AdminJson.Options),
    };

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, CancellationToken ct)
    {
        HttpResponseMessage response;
        try { response = await _http.SendAsync(request, ct); }
        catch (HttpRequestException e) { throw Unreachable(e.InnerException as SocketException is { } s ? s.Message : e.Message); }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { throw Unreachable($"no answer within {RequestTimeout.TotalSeconds:0} s"); }
        finally { request.Dispose(); }
        if (response.IsSuccessStatusCode) return response;
        using (response) throw await ErrorOf(response, ct);
    }

    private AdminClientException Unreachable(string reason) =>
        new($"cannot reach the lattice host at {BaseUrl.ToString().TrimEnd('/')}: {reason} (is `lattice up` running there? see --host and LATTICE_HOST)");

    private static async Task<AdminClientException> ErrorOf(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            if (JsonSerializer.Deserialize<ErrorBody>(text, AdminJson.Options) is { Error: { } message } body) return new AdminClientException(message, body.Kind);
        }
        catch (JsonException) { }
        return new AdminClientException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase} from {response.RequestMessage?.RequestUri}");
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct) =>
        await response.Content.ReadFromJsonAsync<T>(AdminJson.Options, ct) ?? throw new AdminClientException("the host answered with an empty body");

    private static string Esc(string segment) => Uri.EscapeDataString(segment);

    public void Dispose() => _http.Dispose();
}
