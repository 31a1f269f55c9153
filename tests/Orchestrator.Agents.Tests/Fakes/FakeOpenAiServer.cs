using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Agents.Tests.Fakes;

/// <summary>
/// A fake OpenAI-compatible server on loopback (Kestrel, a free port): <c>POST /v1/chat/completions</c>
/// answers as the test says — a chat.completion whose message content the test controls, an HTTP
/// error, or no answer at all (hangs until the client gives up or the server stops).
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly TaskCompletionSource _firstRequest = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Func<HttpContext, Task> _respond;

    private FakeOpenAiServer(WebApplication app)
    {
        _app = app;
        _respond = ctx => Content(ctx, """{"signals":[]}""");
    }

    /// <summary>The base URL to configure (<c>http://127.0.0.1:port/v1</c>).</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Requests received so far.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Completes when the first request has arrived (a condition to wait on, not a sleep).</summary>
    public Task FirstRequest => _firstRequest.Task;

    public static async Task<FakeOpenAiServer> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        var server = new FakeOpenAiServer(app);
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    /// <summary>Answer with a chat.completion whose assistant message is <paramref name="content"/>.</summary>
    public void RespondWithContent(string content) => _respond = ctx => Content(ctx, content);

    /// <summary>
    /// Answer like <see cref="RespondWithContent"/>, but only <paramref name="after"/> the request came:
    /// a slow model (the latency is the scenario, not a wait of the test's).
    /// </summary>
    public void RespondSlowlyWithContent(string content, TimeSpan after) => _respond = async ctx =>
    {
        await Task.Delay(after, ctx.RequestAborted);
        await Content(ctx, content);
    };

    /// <summary>Answer 200 with <paramref name="json"/> as the whole body (a completion of any shape).</summary>
    public void RespondWithBody(string json) => _respond = ctx =>
    {
        ctx.Response.ContentType = "application/json";
        return ctx.Response.WriteAsync(json);
    };

    /// <summary>Answer with an HTTP error and an OpenAI-style error body.</summary>
    public void RespondWithStatus(int status, string message) => _respond = async ctx =>
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(JsonSerializer.Serialize(new { error = new { message, type = "server_error", code = "fake" } }));
    };

    /// <summary>Never answer: wait until the client aborts or the server stops.</summary>
    public void Hang() => _respond = async ctx =>
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _stopping.Token);
        try
        {
            await Task.Delay(Timeout.Infinite, both.Token);
        }
        catch (OperationCanceledException)
        {
            // the client gave up (the case under test) or the server is stopping
        }
    };

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private static Task Content(HttpContext ctx, string content)
    {
        var completion = new
        {
            id = "chatcmpl-fake",
            @object = "chat.completion",
            created = 1_700_000_000,
            model = "fake-model",
            choices = new[]
            {
                new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" },
            },
            usage = new { prompt_tokens = 10, completion_tokens = 10, total_tokens = 20 },
        };
        ctx.Response.ContentType = "application/json";
        return ctx.Response.WriteAsync(JsonSerializer.Serialize(completion));
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body);
        string body = await reader.ReadToEndAsync(ctx.RequestAborted);
        _requests.Enqueue(new RecordedRequest(body, ctx.Request.Headers.Authorization.ToString()));
        _firstRequest.TrySetResult();
        await _respond(ctx);
    }
}
