namespace Orchestrator.Agents.Alerts;

/// <summary>
/// Folds repeats of one alert key: the first alert of a key opens a window and is sent; later
/// ones in the window are counted; when the window has passed, <see cref="TakeDue"/> hands back a
/// summary ("N more like this") for each key that had repeats. Not thread-safe: the alert
/// service calls it under its lock. Time comes from the caller.
/// </summary>
public sealed class AlertDeduplicator(TimeSpan window)
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="alert"/> is to be sent; false when it was counted as a repeat.</summary>
    public bool Offer(AlertMessage alert, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (_entries.TryGetValue(alert.Key, out Entry? entry) && now - entry.Opened < window)
        {
            entry.Repeats++;
            entry.Last = alert;
            return false;
        }

        _entries[alert.Key] = new Entry(now, alert);
        return true;
    }

    /// <summary>Summaries of the windows that have ended with repeats in them; closes every ended window.</summary>
    public IReadOnlyList<AlertMessage> TakeDue(DateTimeOffset now)
    {
        List<AlertMessage>? due = null;
        List<string>? ended = null;
        foreach ((string key, Entry entry) in _entries)
        {
            if (now - entry.Opened < window)
            {
                continue;
            }

            (ended ??= []).Add(key);
            if (entry.Repeats > 0)
            {
                string text = entry.Last.Message + " (" + entry.Repeats.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    + " more like this in the last " + Describe(window) + ")";
                (due ??= []).Add(entry.Last with { Message = text, At = now, Repeats = entry.Repeats, Summary = true });
            }
        }

        foreach (string key in ended ?? [])
        {
            _entries.Remove(key);
        }

        return due ?? (IReadOnlyList<AlertMessage>)[];
    }

    /// <summary>Keys whose window is still open.</summary>
    public int OpenWindows => _entries.Count;

    private static string Describe(TimeSpan span) => span.TotalMinutes >= 1
        ? span.TotalMinutes.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " min"
        : span.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " s";

    private sealed class Entry(DateTimeOffset opened, AlertMessage last)
    {
        public DateTimeOffset Opened { get; } = opened;

        public AlertMessage Last { get; set; } = last;

        public int Repeats { get; set; }
    }
}
