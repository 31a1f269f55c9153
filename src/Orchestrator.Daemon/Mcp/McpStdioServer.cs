using ModelContextProtocol.Server;

namespace Orchestrator.Daemon.Mcp;

/// <summary>
/// The MCP server on the process's own stdin and stdout, for a local agent host that launches
/// the daemon. stdout must carry MCP frames only: <see cref="ClaimStdout"/> takes the raw stream
/// for MCP and points <see cref="Console.Out"/> at stderr before anything (the log's console
/// target included) can write.
/// </summary>
public static class McpStdioServer
{
    public const string TransportName = "stdio";

    /// <summary>
    /// Takes the process's stdout for MCP and sends every later <see cref="Console.Out"/> write
    /// (log lines, a stray message) and the audit's console lines to stderr. Call it first thing.
    /// </summary>
    public static Stream ClaimStdout()
    {
        Stream stdout = Console.OpenStandardOutput();
        Console.SetOut(Console.Error);
        Logging.OrchestratorConsoleTarget.RedirectToStandardError(); // the audit's console lines too
        return stdout;
    }

    /// <summary>Serves MCP on <paramref name="input"/>/<paramref name="output"/> until the client closes its end or <paramref name="cancellationToken"/> fires.</summary>
    public static async Task RunAsync(McpToolDispatcher dispatcher, Stream input, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        var options = new McpServerOptions();
        dispatcher.Configure(options, TransportName);
        await using var transport = new StreamServerTransport(input, output, McpToolDispatcher.ServerName);
        await using McpServer server = McpServer.Create(transport, options);
        await server.RunAsync(cancellationToken).ConfigureAwait(false);
    }
}
