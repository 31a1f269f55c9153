using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Agents.Tests.Alerts;

/// <summary>
/// A real HTTP listener on 127.0.0.1 (Kestrel, a free port) that takes any POST, records its
/// path and JSON body, and answers with the status the test sets (200 by default).
/// </summary>
public sealed class AlertReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<(string Path, JsonNode? Body)> _received = Channel.CreateUnbounded<(string, JsonNode?)>();
    private readonly ConcurrentQueue<string> _paths = new();

    private AlertReceiver(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The status every request is answered with.</summary>
    public int Status { get; set; } = StatusCodes.Status200OK;

    /// <summary>The body every request is answered with.</summary>
    public string Answer { get; set; } = """{"ok":true}""";

    public IReadOnlyList<string> Paths => [.. _paths];

    public static async Task<AlertReceiver> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        var receiver = new AlertReceiver(app);
        app.MapPost("/{**path}", receiver.HandleAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return receiver;
    }

    /// <summary>The next request received, or a failure after <paramref name="guard"/> (a hang guard, not a timing assertion).</summary>
    public async Task<(string Path, JsonNode? Body)> NextAsync(TimeSpan? guard = null) =>
        await _received.Reader.ReadAsync().AsTask().WaitAsync(guard ?? TimeSpan.FromSeconds(30));

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        string text = await reader.ReadToEndAsync(context.RequestAborted);
        string path = context.Request.Path.Value ?? string.Empty;
        _paths.Enqueue(path);
        _received.Writer.TryWrite((path, JsonNode.Parse(text)));
        context.Response.StatusCode = Status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(Answer, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
