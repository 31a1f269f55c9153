using System.Text.Json;

namespace Orchestrator.Agents.Tests.Fakes;

/// <summary>
/// The older tests' view of <see cref="FakeModelServer"/> (OpenAI chat completions on loopback): one
/// answer for every request until the test sets another — a chat.completion whose message content the
/// test controls, an HTTP error, or no answer at all (hangs until the client gives up or the server
/// stops). A thin wrapper: the server, its wire format and its recording are <see cref="FakeModelServer"/>'s.
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly FakeModelServer _server;

    private FakeOpenAiServer(FakeModelServer server)
    {
        _server = server;
        _server.InputTokens = 10;
        _server.OutputTokens = 10;
    }

    /// <summary>The base URL to configure (<c>http://127.0.0.1:port/v1</c>).</summary>
    public Uri BaseUrl => _server.OpenAiBaseUrl;

    /// <summary>Requests received so far: the body and the Authorization header ("" when none).</summary>
    public IReadOnlyList<RecordedRequest> Requests =>
        [.. _server.Requests.Select(r => new RecordedRequest(r.Body, r.Credential is null ? string.Empty : "Bearer " + r.Credential))];

    /// <summary>Completes when the first request has arrived (a condition to wait on, not a sleep).</summary>
    public Task FirstRequest => _server.WaitForRequestsAsync(1, Timeout.InfiniteTimeSpan);

    public static async Task<FakeOpenAiServer> StartAsync() => new(await FakeModelServer.StartAsync());

    /// <summary>Answer with a chat.completion whose assistant message is <paramref name="content"/>.</summary>
    public void RespondWithContent(string content) => _server.DefaultToText(content);

    /// <summary>
    /// Answer like <see cref="RespondWithContent"/>, but only <paramref name="after"/> the request came:
    /// a slow model (the latency is the scenario, not a wait of the test's).
    /// </summary>
    public void RespondSlowlyWithContent(string content, TimeSpan after) => _server.DefaultToText(content, after);

    /// <summary>Answer 200 with <paramref name="json"/> as the whole body (a completion of any shape).</summary>
    public void RespondWithBody(string json) => _server.DefaultToBody(json);

    /// <summary>Answer with an HTTP error and an OpenAI-style error body.</summary>
    public void RespondWithStatus(int status, string message) =>
        _server.DefaultToStatus(status, JsonSerializer.Serialize(new { error = new { message, type = "server_error", code = "fake" } }));

    /// <summary>Never answer: wait until the client aborts or the server stops.</summary>
    public void Hang() => _server.DefaultToHang();

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
