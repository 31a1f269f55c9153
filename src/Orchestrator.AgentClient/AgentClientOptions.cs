using System.Globalization;

namespace Orchestrator.AgentClient;

/// <summary>
/// Who the agent is, where the daemon is and what it wants. <see cref="FromEnvironment"/> reads the
/// variables the daemon gives the agents it supervises, so one program runs by hand or supervised.
/// (A class, not a record: its ToString must never print the token.)
/// </summary>
public sealed class AgentClientOptions
{
    public const string GatewayVariable = "ORCHESTRATOR_GATEWAY";
    public const string TokenVariable = "ORCHESTRATOR_AGENT_TOKEN";
    public const string NameVariable = "ORCHESTRATOR_AGENT_NAME";

    /// <summary>The agent's name (one live session per name; an agent token binds it).</summary>
    public required string Name { get; set; }

    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 7400;

    /// <summary>The gateway token or this agent's token; null when the gateway needs none. Never logged.</summary>
    public string? Token { get; set; }

    public string Version { get; set; } = "1.0";

    /// <summary>Symbols to receive ticks and bars for.</summary>
    public IReadOnlyList<string> Symbols { get; set; } = [];

    /// <summary>Bar timeframes, e.g. <c>1m</c>.</summary>
    public IReadOnlyList<string> Bars { get; set; } = [];

    /// <summary>Receive every trade tick of <see cref="Symbols"/>.</summary>
    public bool Ticks { get; set; }

    /// <summary>
    /// The last fill sequence this agent already has (e.g. kept from an earlier run of the same
    /// daemon); the first hello sends it, so only later fills are replayed. 0 = replay every fill.
    /// </summary>
    public long LastFillSeq { get; set; }

    /// <summary>Reconnect (with backoff) when the connection ends; false: <see cref="AgentClient.RunAsync"/> returns.</summary>
    public bool Reconnect { get; set; } = true;

    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>For connecting and for each handshake answer.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Messages that may wait for the handlers; when full the client stops reading and the daemon drops this agent's oldest market data.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Where the client's own lines go (connects, disconnects, warnings); null = nowhere.</summary>
    public Action<string>? Log { get; set; }

    /// <summary>
    /// Options from <c>ORCHESTRATOR_GATEWAY</c> (<c>host:port</c>, default <c>127.0.0.1:7400</c>),
    /// <c>ORCHESTRATOR_AGENT_TOKEN</c> and <c>ORCHESTRATOR_AGENT_NAME</c> (default <paramref name="defaultName"/>).
    /// </summary>
    /// <param name="defaultName">The name when ORCHESTRATOR_AGENT_NAME is not set.</param>
    /// <param name="variable">Reads a variable (default: the process environment).</param>
    /// <exception cref="FormatException">ORCHESTRATOR_GATEWAY is not host:port.</exception>
    public static AgentClientOptions FromEnvironment(string defaultName, Func<string, string?>? variable = null)
    {
        variable ??= Environment.GetEnvironmentVariable;
        string gateway = NonEmpty(variable(GatewayVariable)) ?? "127.0.0.1:7400";
        int colon = gateway.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(gateway.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            throw new FormatException($"{GatewayVariable}: expected host:port (e.g. 127.0.0.1:7400), got '{gateway}'");
        }

        return new AgentClientOptions
        {
            Name = NonEmpty(variable(NameVariable)) ?? defaultName,
            Host = gateway[..colon].Trim('[', ']'),
            Port = port,
            Token = NonEmpty(variable(TokenVariable)),
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
