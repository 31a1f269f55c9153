namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// The bar timeframes an agent may ask for in its hello (<c>"bars":["1m","5m"]</c>): 1 minute is
/// the base, built from trade ticks; the larger ones are aggregated from closed 1-minute bars.
/// </summary>
internal static class BarTimeframes
{
    /// <summary>The names, in index order (an agent's subscription is a bit mask over these).</summary>
    public static readonly string[] Names = ["1m", "5m", "15m", "30m", "1h", "4h", "1d"];

    /// <summary>Length of each timeframe, ns.</summary>
    public static readonly long[] LengthNs = [60_000_000_000L, 300_000_000_000L, 900_000_000_000L, 1_800_000_000_000L, 3_600_000_000_000L, 14_400_000_000_000L, 86_400_000_000_000L];

    public static readonly byte[][] Utf8 = [.. Names.Select(System.Text.Encoding.UTF8.GetBytes)];

    public static int Count => Names.Length;

    public static int IndexOf(string name) => Array.IndexOf(Names, name.Trim().ToLowerInvariant());
}
