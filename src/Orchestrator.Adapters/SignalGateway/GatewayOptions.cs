namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// Settings of the <see cref="SignalGateway"/> (daemon.yaml <c>gateway:</c>). Not a record on
/// purpose: a record's generated <c>ToString</c> would print <see cref="AuthToken"/>.
/// </summary>
public sealed class GatewayOptions
{
    /// <summary>Most connection slots the signal id layout has room for.</summary>
    public const int MaxConnectionsLimit = 256;

    /// <summary>TCP port on 127.0.0.1; 0 = an ephemeral port (read <see cref="SignalGateway.Port"/>).</summary>
    public int Port { get; init; } = 7400;

    /// <summary>Connections served at once; one more gets an error line and is closed.</summary>
    public int MaxConnections { get; init; } = 16;

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

        return errors;
    }
}
