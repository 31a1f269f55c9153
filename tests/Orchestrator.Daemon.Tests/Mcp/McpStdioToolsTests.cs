namespace Orchestrator.Daemon.Tests.Mcp;

/// <summary>Every tool over stdio: the daemon launched by the SDK's stdio client transport.</summary>
public sealed class McpStdioToolsTests(StdioDaemonFixture daemon) : McpToolsContract<StdioDaemonFixture>(daemon), IClassFixture<StdioDaemonFixture>;
