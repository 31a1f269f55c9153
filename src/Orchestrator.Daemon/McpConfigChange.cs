namespace Orchestrator.Daemon;

/// <summary>What <c>mcp-config</c> was asked to change (null = keep).</summary>
public sealed record McpConfigChange(bool? Enabled, string? Transport, int? HttpPort, string? Tools, bool? TradingTools)
{
    public bool IsEmpty => Enabled is null && Transport is null && HttpPort is null && Tools is null && TradingTools is null;
}
