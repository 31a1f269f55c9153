using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Orchestrator.Daemon.Tests.Mcp;

/// <summary>A real daemon (a child process) with an MCP client connected to it, shared by a test class.</summary>
public abstract class McpDaemonFixture : IAsyncLifetime
{
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private McpClient? _client;

    protected McpDaemonFixture(string mcpYaml)
    {
        ConfigDirectory = McpTestConfig.Create(mcpYaml);
    }

    public string ConfigDirectory { get; }

    public string JsonLog => Path.Combine(ConfigDirectory, "logs", "orchestrator.jsonl");

    /// <summary>stdio or http, as the audit names it.</summary>
    public abstract string Transport { get; }

    public McpClient Client => _client ?? throw new InvalidOperationException("not connected");

    /// <summary>The daemon's recent log lines, for a failure message.</summary>
    public abstract string Tail();

    public async Task InitializeAsync()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        _client = await McpClient.CreateAsync(await CreateTransportAsync(), cancellationToken: guard.Token);
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        await StopDaemonAsync();

        try
        {
            Directory.Delete(ConfigDirectory, recursive: true);
        }
        catch (IOException)
        {
            // a log file still held by a process that is going away; the temp folder is cleaned later
        }
    }

    protected abstract Task<IClientTransport> CreateTransportAsync();

    /// <summary>Ends the daemon if the client's going did not.</summary>
    protected virtual Task StopDaemonAsync() => Task.CompletedTask;

    /// <summary>Calls a tool under the hang guard.</summary>
    public async Task<CallToolResult> CallAsync(string tool, IReadOnlyDictionary<string, object?>? arguments = null)
    {
        using var guard = new CancellationTokenSource(HangGuard);
        return await Client.CallToolAsync(tool, arguments, cancellationToken: guard.Token);
    }

    /// <summary>Calls a tool that must succeed and returns its JSON answer.</summary>
    public async Task<JsonElement> CallOkAsync(string tool, IReadOnlyDictionary<string, object?>? arguments = null)
    {
        CallToolResult result = await CallAsync(tool, arguments);
        string text = Text(result);
        Assert.True(result.IsError != true, $"{tool} over {Transport} failed: {text}\n{Tail()}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));
}
