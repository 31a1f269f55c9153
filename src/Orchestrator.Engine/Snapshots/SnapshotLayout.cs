using System.Globalization;

namespace Orchestrator.Engine.Snapshots;

/// <summary>
/// Where each stage's state goes in a snapshot body, and the configuration facts that fix that
/// layout (symbols, order capacity, order id base, indicator periods, which rules exist). Sizes
/// are measured once, at engine construction, by writing the initial state in counting mode.
/// </summary>
/// <remarks>
/// Body = [signal engine: its counters, market state, indicators, rules, peaks, exits]
///        [risk manager] [position sizing] [order manager: unknown counts, order table, portfolio, trading counters].
/// In Pipelined mode the first section is written on the signal engine's thread and the others on
/// the trading thread, each right after it processed the Checkpoint command.
/// </remarks>
public sealed class SnapshotLayout
{
    public SnapshotLayout(IReadOnlyList<string> symbols, int orderCapacity, long orderIdBase, int[] facts, int signalBytes, int riskBytes, int sizingBytes, int orderManagerBytes)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        ArgumentNullException.ThrowIfNull(facts);
        Symbols = [.. symbols];
        OrderCapacity = orderCapacity;
        OrderIdBase = orderIdBase;
        Facts = facts;
        SignalBytes = signalBytes;
        RiskBytes = riskBytes;
        SizingBytes = sizingBytes;
        OrderManagerBytes = orderManagerBytes;
    }

    /// <summary>Names of the fact values in <see cref="Facts"/>, for refusal messages.</summary>
    public static IReadOnlyList<string> FactNames { get; } =
        ["sma period", "fast ema period", "slow ema period", "rsi period", "macd fast", "macd slow", "macd signal", "atr period", "bollinger period", "momentum rule", "rsi rule", "order record bytes", "consolidation groups"];

    public IReadOnlyList<string> Symbols { get; }

    public int OrderCapacity { get; }

    /// <summary>The order table's client order id base.</summary>
    public long OrderIdBase { get; }

    /// <summary>Other layout facts (see <see cref="FactNames"/>).</summary>
    public IReadOnlyList<int> Facts { get; }

    public int SignalBytes { get; }

    public int RiskBytes { get; }

    public int SizingBytes { get; }

    public int OrderManagerBytes { get; }

    public const int SignalOffset = 0;

    public int RiskOffset => SignalBytes;

    public int SizingOffset => RiskOffset + RiskBytes;

    public int OrderManagerOffset => SizingOffset + SizingBytes;

    /// <summary>Where <paramref name="section"/> lies in a body.</summary>
    public Range RangeOf(SnapshotSection section) => section switch
    {
        SnapshotSection.Risk => new Range(RiskOffset, RiskOffset + RiskBytes),
        SnapshotSection.Sizing => new Range(SizingOffset, SizingOffset + SizingBytes),
        SnapshotSection.OrderManager => new Range(OrderManagerOffset, OrderManagerOffset + OrderManagerBytes),
        _ => new Range(SignalOffset, SignalOffset + SignalBytes),
    };

    /// <summary>Bytes of the whole body.</summary>
    public int BodyBytes => OrderManagerOffset + OrderManagerBytes;

    /// <summary>Null when <paramref name="other"/> (read from a file) has this layout; otherwise the first difference, in words.</summary>
    public string? Difference(SnapshotLayout other)
    {
        ArgumentNullException.ThrowIfNull(other);
        int count = Math.Max(Symbols.Count, other.Symbols.Count);
        for (int id = 0; id < count; id++)
        {
            string? mine = id < Symbols.Count ? Symbols[id] : null;
            string? theirs = id < other.Symbols.Count ? other.Symbols[id] : null;
            if (!string.Equals(mine, theirs, StringComparison.Ordinal))
            {
                return Invariant($"made with other symbols: symbol id {id} is {Quote(theirs)} in the snapshot but {Quote(mine)} in the configuration");
            }
        }

        if (OrderCapacity != other.OrderCapacity)
        {
            return Invariant($"made with order capacity {other.OrderCapacity}, the configuration has {OrderCapacity}");
        }

        if (OrderIdBase != other.OrderIdBase)
        {
            return Invariant($"made with order id base {other.OrderIdBase}, the journal has {OrderIdBase}");
        }

        for (int i = 0; i < Math.Max(Facts.Count, other.Facts.Count); i++)
        {
            int mine = i < Facts.Count ? Facts[i] : -1;
            int theirs = i < other.Facts.Count ? other.Facts[i] : -1;
            if (mine != theirs)
            {
                return Invariant($"made with {(i < FactNames.Count ? FactNames[i] : "fact " + i)} {theirs}, the configuration has {mine}");
            }
        }

        if (SignalBytes != other.SignalBytes || RiskBytes != other.RiskBytes || SizingBytes != other.SizingBytes || OrderManagerBytes != other.OrderManagerBytes)
        {
            return Invariant($"section sizes {other.SignalBytes}/{other.RiskBytes}/{other.SizingBytes}/{other.OrderManagerBytes} differ from this build's {SignalBytes}/{RiskBytes}/{SizingBytes}/{OrderManagerBytes}");
        }

        return null;
    }

    private static string Quote(string? name) => name is null ? "(none)" : "'" + name + "'";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
