using Orchestrator.Core.Calendars;

namespace Orchestrator.Engine.Journal;

/// <summary>
/// The calendar setting a journal's first session ran with (daemon.yaml <c>calendars:</c>), kept beside the journal
/// (file <see cref="FileName"/>) with the shipped calendar data's versions (issue 19). Sessions, Day-order acceptance
/// and the daily counters' days depend on it, so replay and every later session on the journal run with the recorded
/// setting, as they take the recorded starting cash and order id base: a journal keeps deciding as it was written.
/// A start configured otherwise follows the journal and says so (<see cref="Difference"/>); to change the setting,
/// start a new journal. A build whose calendar data has another version replays under the new data (only that is
/// shipped); <see cref="Difference"/> names both versions.
/// </summary>
/// <remarks>Written once, before the journal's first record, like <see cref="JournalStartingCash"/>. Slow path.</remarks>
public static class JournalCalendars
{
    public const string FileName = "calendars";

    /// <summary>The recorded setting (true = exchange calendars) and its line as written, or null when the journal directory has none.</summary>
    /// <exception cref="InvalidDataException">The file is there but does not name a setting.</exception>
    public static (bool Exchange, string Text)? Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        string text = File.ReadAllText(path).Trim();
        string setting = text.Split(' ', 2)[0];
        return setting switch
        {
            "exchange" => (true, text),
            "utc" => (false, text),
            _ => throw new InvalidDataException($"{path}: expected the journal's calendars setting (exchange or utc), got '{text}'"),
        };
    }

    /// <summary>
    /// The setting for a session on the journal in <paramref name="directory"/>: the recorded one; for a new journal,
    /// <paramref name="proposed"/>, recorded now; for a journal written before this file existed, <paramref name="proposed"/>
    /// (not recorded: it may not be what that journal ran with).
    /// </summary>
    public static bool Resolve(string directory, bool proposed)
    {
        if (Read(directory) is { } recorded)
        {
            return recorded.Exchange;
        }

        if (Directory.Exists(directory) && JournalReader.ListSegments(directory).Length > 0)
        {
            return proposed;
        }

        JournalStartingCash.WriteOnce(directory, FileName, Describe(proposed));
        return proposed;
    }

    /// <summary>
    /// Why a start configured with <paramref name="configured"/> does not run as configured, or under other calendar
    /// data than the journal was written with; null when it runs as recorded (or nothing is recorded).
    /// </summary>
    public static string? Difference(string directory, bool configured)
    {
        if (Read(directory) is not { } recorded)
        {
            return null;
        }

        string setting = recorded.Exchange ? "exchange" : "utc";
        if (recorded.Exchange != configured)
        {
            return "Journal: calendars: " + setting + " as recorded at the journal's first start (" + Path.Combine(directory, FileName) + "), not the configured "
                + (configured ? "exchange" : "utc") + ", so replay and this session decide as the journaled session did; start a new journal to change it";
        }

        string now = Describe(recorded.Exchange);
        return now == recorded.Text ? null
            : "Journal: the shipped calendar data changed since the journal's first start (" + recorded.Text + " then, " + now + " now): replay uses today's data, so a decision on a day whose data changed may differ";
    }

    /// <summary>The line recorded for a setting: <c>utc</c>, or <c>exchange</c> with each shipped calendar's data version.</summary>
    public static string Describe(bool exchange)
    {
        if (!exchange)
        {
            return "utc";
        }

        var text = new System.Text.StringBuilder("exchange");
        foreach (string mic in new[] { "XKRX", "XNYS" })
        {
            text.Append(' ').Append(mic).Append('=').Append(ExchangeCalendars.ForExchange(mic).Version);
        }

        return text.ToString();
    }
}
