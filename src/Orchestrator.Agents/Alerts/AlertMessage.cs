namespace Orchestrator.Agents.Alerts;

/// <summary>
/// One alert as the channels send it. <paramref name="Key"/> is what de-duplication groups by
/// (e.g. <c>broker.circuit_open:kis</c>); <paramref name="Repeats"/> is how many alerts with the
/// same key were held back before this one (a summary has <paramref name="Summary"/> set).
/// </summary>
public sealed record AlertMessage(
    AlertSeverity Severity,
    string Kind,
    string Key,
    string Message,
    IReadOnlyDictionary<string, string> Fields,
    DateTimeOffset At,
    int Repeats = 0,
    bool Summary = false)
{
    /// <summary>The one-line text a person reads (chat message, log line).</summary>
    public string Text => (Severity == AlertSeverity.Critical ? "CRITICAL" : Severity.ToString().ToUpperInvariant()) + " [" + Kind + "] " + Message;
}
