namespace Orchestrator.Daemon.Configuration;

/// <summary>
/// A credential. It never prints itself: <see cref="ToString"/> is a mask, so a secret that
/// slips into a log line, an exception or a report shows as <c>***</c>. Read the value only
/// where it is sent to its service.
/// </summary>
public sealed class Secret
{
    public const string Mask = "***";

    private readonly string _value;

    public Secret(string value, string source)
    {
        _value = value;
        Source = source;
    }

    /// <summary>Where the value came from (file key or environment variable name), safe to log.</summary>
    public string Source { get; }

    public bool IsEmpty => _value.Length == 0;

    /// <summary>The value itself. Never log it.</summary>
    public string Reveal() => _value;

    public override string ToString() => Mask;
}
