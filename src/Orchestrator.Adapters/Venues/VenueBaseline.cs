using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Adapters.Venues;

/// <summary>
/// The positions an account held when a journal was started (<c>venue-baseline.json</c> next to
/// it): the engine starts flat and does not manage them, so reconciliations compare the engine
/// with the venue net of these. Written once, at the journal's first start (atomically: temp
/// file, then rename); read at every restart.
/// </summary>
public static class VenueBaseline
{
    public const string FileName = "venue-baseline.json";

    /// <summary>The baseline file of <paramref name="venue"/> when a process trades through several venues (one file each): <c>venue-baseline.&lt;venue&gt;.json</c>.</summary>
    public static string FileNameOf(string venue) => "venue-baseline." + venue + ".json";

    /// <summary>
    /// The baseline kept in <paramref name="directory"/>, or — when there is none yet — <paramref name="holdings"/>'s
    /// positions, saved there. <paramref name="directory"/> null (no journal): the holdings, not saved. The file is
    /// <paramref name="fileName"/>: <see cref="FileName"/>, or <see cref="FileNameOf"/> with several venues.
    /// </summary>
    /// <exception cref="InvalidDataException">The file exists but is unreadable (names the file and why).</exception>
    public static IReadOnlyDictionary<string, decimal> LoadOrCreate(string? directory, string venue, VenueHoldings holdings, string fileName = FileName)
    {
        ArgumentNullException.ThrowIfNull(holdings);
        var positions = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach ((string symbol, decimal quantity) in holdings.Positions)
        {
            if (quantity != 0)
            {
                positions[symbol] = quantity;
            }
        }

        if (directory is null)
        {
            return positions;
        }

        string path = Path.Combine(directory, fileName);
        if (File.Exists(path))
        {
            return Load(path, venue);
        }

        Directory.CreateDirectory(directory);
        var json = new JsonObject
        {
            ["venue"] = venue,
            ["taken_at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["positions"] = new JsonObject(positions.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value)))),
        };
        string temp = path + ".tmp";
        File.WriteAllText(temp, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, path, overwrite: true);
        return positions;
    }

    private static Dictionary<string, decimal> Load(string path, string venue)
    {
        try
        {
            JsonNode? root = JsonNode.Parse(File.ReadAllText(path));
            if (root?["venue"]?.GetValue<string>() is not { } written || root["positions"] is not JsonObject held)
            {
                throw new InvalidDataException($"{path}: expected {{\"venue\": ..., \"positions\": {{...}}}}");
            }

            if (!string.Equals(written, venue, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{path}: the journal was started against broker '{written}', this run uses '{venue}': use a journal directory of its own per broker");
            }

            var positions = new Dictionary<string, decimal>(StringComparer.Ordinal);
            foreach ((string symbol, JsonNode? quantity) in held)
            {
                positions[symbol] = quantity?.GetValue<decimal>() ?? throw new InvalidDataException($"{path}: positions.{symbol} has no quantity");
            }

            return positions;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: unreadable ({ex.Message})", ex);
        }
    }
}
