namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// Settings of the <see cref="SignalGateway"/> (daemon.yaml <c>gateway:</c>). Not a record on
/// purpose: a record's generated <c>ToString</c> would print <see cref="AuthToken"/>.
/// </summary>
public sealed class GatewayOptions
{
    /// <summary>
    /// Most connections served at once: the slot pool holds 2 × this + 1 (room for as many
    /// clients still authenticating, and one to spare while an evicted one closes), and the signal
    /// id layout has room for 256 slots.
    /// </summary>
    public const int MaxConnectionsLimit = 127;

    /// <summary>TCP port on 127.0.0.1; 0 = an ephemeral port (read <see cref="SignalGateway.Port"/>).</summary>
    public int Port { get; init; } = 7400;

    /// <summary>
    /// Authenticated connections served at once. One more that authenticates (or connects, with
    /// auth off) closes the idlest of them (<see cref="GatewayError.Evicted"/>); at most as many
    /// again may be authenticating, and one more of those closes the one waiting longest.
    /// </summary>
    public int MaxConnections { get; init; } = 16;

    /// <summary>With a token, a connection that has not authenticated within this is answered <see cref="GatewayError.AuthTimeout"/> and closed.</summary>
    public TimeSpan AuthTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A connection that sent no line for this long, with no outcome outstanding, is answered <see cref="GatewayError.IdleTimeout"/> and closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The clock of the timeouts above (tests inject a manual one).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Longest line (bytes, without the newline); a longer one is answered with an error and skipped.</summary>
    public int MaxLineBytes { get; init; } = 4096;

    /// <summary>
    /// Lines per connection answered but not yet settled (a power of two): the connection stops
    /// reading at this many, so outcomes always have a place to land.
    /// </summary>
    public int MaxInFlight { get; init; } = 1024;

    /// <summary>When set, the first line must be <c>auth &lt;token&gt;</c>; null = no authentication.</summary>
    public string? AuthToken { get; init; }

    /// <summary>How long a closing connection waits for the outcomes of its signals (shutdown, disconnect).</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Rejected lines logged at WARNING per connection before only a summary is kept.</summary>
    public int LoggedRejectsPerConnection { get; init; } = 5;

    /// <summary>How often the gateway sends agents <c>{"type":"heartbeat"}</c>, and how often they should send theirs (the welcome tells them).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Orders, fills and positions a connected agent may lag behind (a power of two): one more and
    /// it is disconnected (they are never dropped) and replays them on its next hello.
    /// </summary>
    public int AgentQueueSize { get; init; } = 2048;

    /// <summary>Orders, fills and positions kept per agent name for replay on reconnect (a power of two, at least twice <see cref="AgentQueueSize"/>).</summary>
    public int AgentLogSize { get; init; } = 8192;

    /// <summary>
    /// Market-data events (ticks, bars) the agents' shared broadcast ring holds (a power of two): an
    /// agent further behind loses the oldest, counted and told (<c>{"type":"dropped"}</c>).
    /// </summary>
    public int MarketDataRingSize { get; init; } = 1 << 16;

    /// <summary>The problems with these settings, one line each (empty = valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Port is < 0 or > 65_535)
        {
            errors.Add($"port: must be between 0 and 65535, got {Port}");
        }

        if (MaxConnections is < 1 or > MaxConnectionsLimit)
        {
            errors.Add($"max_connections: must be between 1 and {MaxConnectionsLimit}, got {MaxConnections}");
        }

        if (MaxLineBytes is < 256 or > 65_536)
        {
            errors.Add($"max_line_bytes: must be between 256 and 65536, got {MaxLineBytes}");
        }

        if (MaxInFlight is < 2 or > 65_536 || (MaxInFlight & (MaxInFlight - 1)) != 0)
        {
            errors.Add($"max_in_flight: must be a power of two between 2 and 65536, got {MaxInFlight}");
        }

        if (AuthTimeout < TimeSpan.FromMilliseconds(100) || AuthTimeout > TimeSpan.FromHours(1))
        {
            errors.Add($"auth_timeout: must be between 100ms and 1h, got {AuthTimeout}");
        }

        if (IdleTimeout < TimeSpan.FromSeconds(1) || IdleTimeout > TimeSpan.FromDays(1))
        {
            errors.Add($"idle_timeout: must be between 1s and 1d, got {IdleTimeout}");
        }

        if (HeartbeatInterval < TimeSpan.FromMilliseconds(100) || HeartbeatInterval > TimeSpan.FromMinutes(10))
        {
            errors.Add($"heartbeat_interval: must be between 100ms and 10m, got {HeartbeatInterval}");
        }

        if (AgentQueueSize is < 16 or > 1 << 20 || (AgentQueueSize & (AgentQueueSize - 1)) != 0)
        {
            errors.Add($"agent_queue_size: must be a power of two between 16 and 1048576, got {AgentQueueSize}");
        }

        if (AgentLogSize is < 32 or > 1 << 22 || (AgentLogSize & (AgentLogSize - 1)) != 0 || AgentLogSize < 2 * AgentQueueSize)
        {
            errors.Add($"agent_log_size: must be a power of two between 32 and 4194304 and at least twice agent_queue_size ({2 * AgentQueueSize}), got {AgentLogSize}");
        }

        if (MarketDataRingSize is < 1024 or > 1 << 24 || (MarketDataRingSize & (MarketDataRingSize - 1)) != 0)
        {
            errors.Add($"market_data_ring_size: must be a power of two between 1024 and 16777216, got {MarketDataRingSize}");
        }

        return errors;
    }
}
