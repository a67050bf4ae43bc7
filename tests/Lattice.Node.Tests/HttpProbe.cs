using System.Net.Http.Headers;

namespace Lattice.Node.Tests;

/// <summary>
/// Real HTTP requests to the listeners an http-server provider opened in a `lattice up` process.
/// Links, configs and moved providers apply asynchronously, so most checks retry until the
/// listener answers as expected (or 60 s pass and the last answer is what the assertion sees).
/// </summary>
internal static class HttpProbe
{
    public static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(2) })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Sends <paramref name="request"/> (built afresh each try) until <paramref name="done"/> holds; returns that response.</summary>
    public static async Task<HttpResponseMessage> Eventually(Func<HttpRequestMessage> request, Func<HttpResponseMessage, bool> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        string last = "no answer";
        while (true)
        {
            try
            {
                var response = await Client.SendAsync(request(), HttpCompletionOption.ResponseContentRead);
                if (done(response)) return response;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                response.Dispose();
            }
            catch (HttpRequestException e) { last = e.Message; }
            if (DateTime.UtcNow > deadline) Assert.Fail($"{request().RequestUri} never answered as expected; last: {last}");
            await Task.Delay(200);
        }
    }

    public static Task<HttpResponseMessage> EventuallyGet(string url, Func<HttpResponseMessage, bool> done) =>
        Eventually(() => new HttpRequestMessage(HttpMethod.Get, url), done);

    public static Task<HttpResponseMessage> EventuallyStatus(string url, int status) =>
        EventuallyGet(url, r => (int)r.StatusCode == status);

    /// <summary>Retries until nothing listens on <paramref name="url"/> any more (connection refused).</summary>
    public static async Task EventuallyRefused(string url)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                using var response = await Client.GetAsync(url);
                if (DateTime.UtcNow > deadline) Assert.Fail($"{url} still answers {(int)response.StatusCode}");
            }
            catch (HttpRequestException) { return; }
            await Task.Delay(200);
        }
    }

    public static HttpRequestMessage Post(string url, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
    }

    /// <summary>Deterministic bytes that a swapped, dropped or repeated chunk would change.</summary>
    public static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
