using System.Globalization;
using System.Text;
using Orchestrator.Core;

namespace Orchestrator.Engine.Journal;

/// <summary>
/// Each symbol's quantity unit a journal's first session ran with (<c>instruments.SYM.quantity_decimals</c>, issue 19),
/// kept beside the journal (file <see cref="FileName"/>: one <c>SYMBOL=decimals</c> per symbol of that session).
/// Every quantity the journal holds (orders, fills, snapshots) is counted in those units, so a later start whose
/// setting differs for a recorded symbol is REFUSED with the file, the key and the reason: unlike <c>calendars:</c>
/// (<see cref="JournalCalendars"/>, which decides but reinterprets nothing, so a start follows the journal with a
/// warning), a changed unit would read every recorded quantity of the symbol as 10^n times more or fewer shares, and
/// following the journal instead would need the venues and edges (which take the configured unit) to follow too.
/// A symbol the journal has not seen may take any setting (it has no recorded quantities).
/// </summary>
/// <remarks>Written once, before the journal's first record, like <see cref="JournalStartingCash"/>. Slow path.</remarks>
public static class JournalQuantityDecimals
{
    public const string FileName = "quantity_decimals";

    /// <summary>The recorded decimals by symbol, or null when the journal directory has none.</summary>
    /// <exception cref="InvalidDataException">The file is there but a line is not <c>SYMBOL=decimals</c>.</exception>
    public static Dictionary<string, int>? Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var recorded = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string line in File.ReadAllLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }

            int eq = line.LastIndexOf('=');
            if (eq <= 0 || !int.TryParse(line.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int decimals) || decimals > Quantities.MaxDecimals)
            {
                throw new InvalidDataException($"{path}: expected SYMBOL=decimals (0..{Quantities.MaxDecimals}) per line, got '{line}'");
            }

            recorded[line[..eq]] = decimals;
        }

        return recorded;
    }

    /// <summary>
    /// Checks the configured units against the journal in <paramref name="directory"/>: a new journal records them; a journal
    /// written before this file existed is left as it is (what it ran with is unknown).
    /// </summary>
    /// <exception cref="InvalidDataException">A recorded symbol is configured with other decimals (the message names the file, the key and both values).</exception>
    public static void Resolve(string directory, SymbolTable symbols, QuantityUnits units)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        ArgumentNullException.ThrowIfNull(units);
        if (Read(directory) is { } recorded)
        {
            for (int s = 0; s < symbols.Count; s++)
            {
                string symbol = symbols.GetName(s);
                if (recorded.TryGetValue(symbol, out int pinned) && pinned != units.Decimals(s))
                {
                    throw new InvalidDataException(
                        $"{Path.Combine(directory, FileName)}: instruments.{symbol}.quantity_decimals is {units.Decimals(s)} but the journal records {pinned}: "
                        + "its quantities are counted in that unit, and another would read them as other share counts; configure "
                        + pinned.ToString(CultureInfo.InvariantCulture) + " again, or start a new journal (journal.directory) to change it");
                }
            }

            return;
        }

        if (Directory.Exists(directory) && JournalReader.ListSegments(directory).Length > 0)
        {
            return;
        }

        var text = new StringBuilder();
        for (int s = 0; s < symbols.Count; s++)
        {
            text.Append(symbols.GetName(s)).Append('=').Append(units.Decimals(s).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        JournalStartingCash.WriteOnce(directory, FileName, text.ToString().TrimEnd('\n'));
    }
}
