using System.Globalization;

namespace Orchestrator.Engine.Journal;

/// <summary>
/// The cash a journal's first session started from, kept beside the journal (file
/// <see cref="FileName"/>). Replay recomputes every decision — sizing reads equity — so it must start
/// from the same cash the journaled session did, not from whatever the venue or the configuration
/// says at a later start; otherwise recovery rebuilds different orders and reuses client order ids.
/// </summary>
/// <remarks>
/// Written once, before the journal's first record: to a temporary file that is flushed to disk and
/// then renamed (a crash leaves either no file or the whole one); never rewritten. Slow path.
/// </remarks>
public static class JournalStartingCash
{
    public const string FileName = "starting-cash";

    /// <summary>The recorded starting cash, or null when the journal directory has none.</summary>
    /// <exception cref="InvalidDataException">The file is there but does not hold a number.</exception>
    public static decimal? Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        string text = File.ReadAllText(path).Trim();
        return decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out decimal cash)
            ? cash
            : throw new InvalidDataException($"{path}: expected the journal's starting cash, got '{text}'");
    }

    /// <summary>
    /// The starting cash for a session on the journal in <paramref name="directory"/>: the recorded one;
    /// for a new journal, <paramref name="proposed"/>, recorded now; for a journal written before this
    /// file existed, <paramref name="proposed"/> (not recorded: it may not be what that journal started from).
    /// </summary>
    public static decimal Resolve(string directory, decimal proposed)
    {
        if (Read(directory) is { } recorded)
        {
            return recorded;
        }

        return Directory.Exists(directory) && JournalReader.ListSegments(directory).Length > 0 ? proposed : RecordOnce(directory, proposed);
    }

    /// <summary>Records <paramref name="cash"/> unless a starting cash is already recorded; returns the one in force.</summary>
    public static decimal RecordOnce(string directory, decimal cash)
    {
        if (Read(directory) is { } recorded)
        {
            return recorded;
        }

        WriteOnce(directory, FileName, cash.ToString(CultureInfo.InvariantCulture));
        return cash;
    }

    /// <summary>
    /// Writes a fact about the journal beside it, once: to a temporary file that is flushed to disk and
    /// then renamed (a crash leaves either no file or the whole one); an existing file is never replaced.
    /// </summary>
    internal static void WriteOnce(string directory, string fileName, string text)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, fileName);
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text + "\n");
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: false);
    }
}
