using System.Text.Json;

namespace Orchestrator.Adapters.Tests.SignalGateway;

/// <summary>Reading agent protocol lines in assertions.</summary>
internal static class AgentLines
{
    public static string? Type(this JsonElement e) => e.TryGetProperty("type", out JsonElement t) ? t.GetString() : null;

    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;

    public static decimal Num(this JsonElement e, string name) => e.GetProperty(name).GetDecimal();

    /// <summary>Reads lines until one of <paramref name="type"/> arrives (returned last in the list).</summary>
    public static Task<List<JsonElement>> ReadUntilTypeAsync(this GatewayTestClient client, string type, CancellationToken cancellationToken) =>
        client.ReadUntilAsync(lines => lines.Count > 0 && lines[^1].Type() == type, cancellationToken);

    public static async Task<JsonElement> HelloAsync(this GatewayTestClient client, string hello, CancellationToken cancellationToken)
    {
        await client.SendAsync(hello + "\n", cancellationToken);
        return (await client.ReadUntilAsync(lines => lines.Count > 0 && lines[^1].Type() is "welcome" or "error", cancellationToken))[^1];
    }
}
