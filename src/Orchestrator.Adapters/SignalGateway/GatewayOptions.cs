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

        return errors;
    }
}
