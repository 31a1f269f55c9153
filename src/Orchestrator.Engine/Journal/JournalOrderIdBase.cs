using System.Globalization;

namespace Orchestrator.Engine.Journal;

/// <summary>
/// The client order id base a journal's first session used, kept beside the journal (file
/// <see cref="FileName"/>). Every later session on the journal continues that base's counter, and
/// replay rebuilds the same ids; a new journal (or a run without one) takes a base from the clock,
/// so a later run never reuses an earlier run's ids at the venue.
/// </summary>
/// <remarks>Written once, before the journal's first record, like <see cref="JournalStartingCash"/>. Slow path.</remarks>
public static class JournalOrderIdBase
{
    public const string FileName = "order-id-base";

    /// <summary>The recorded base, or null when the journal directory has none.</summary>
    /// <exception cref="InvalidDataException">The file is there but does not hold a base.</exception>
    public static long? Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        string text = File.ReadAllText(path).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long idBase) && idBase <= State.OrderStore.MaxBase
            ? idBase
            : throw new InvalidDataException($"{path}: expected the journal's client order id base (a whole number), got '{text}'");
    }

    /// <summary>
    /// The base for the journal in <paramref name="directory"/>: the recorded one; for a journal written
    /// before the base was recorded, <see cref="State.OrderStore.LegacyBase"/> (the one it was written
    /// with); for a new journal, <paramref name="proposed"/>, recorded now.
    /// </summary>
    public static long Resolve(string directory, long proposed)
    {
        if (ReadForReplay(directory) is { } known)
        {
            return known;
        }

        JournalStartingCash.WriteOnce(directory, FileName, proposed.ToString(CultureInfo.InvariantCulture));
        return proposed;
    }

    /// <summary>The base a journal's ids were made with (recorded, or the legacy one when segments exist without it); null for a new journal.</summary>
    public static long? ReadForReplay(string directory) =>
        Read(directory) ?? (Directory.Exists(directory) && JournalReader.ListSegments(directory).Length > 0 ? State.OrderStore.LegacyBase : null);
}
